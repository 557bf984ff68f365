import { envelope, MoRef, parseBody, toXml } from '../../src/providers/vsphere/vim-xml';

const answer = (body: string, xsiPrefix = 'xsi') =>
  `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:${xsiPrefix}="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;

describe('R-OP-1..4, R-OP-7: the vim25 XML of the vSphere adapter', () => {
  test('xsi:type is read by its namespace, whatever the prefix (vCenter writes xsi:, vcsim XMLSchema-instance:)', () => {
    for (const prefix of ['xsi', 'XMLSchema-instance']) {
      const { name, value } = parseBody(answer(`<RetrievePropertiesExResponse xmlns="urn:vim25"><returnval><val ${prefix}:type="VirtualDiskFlatVer2BackingInfo"><fileName>[ds] a.vmdk</fileName></val></returnval></RetrievePropertiesExResponse>`, prefix));
      expect(name).toBe('RetrievePropertiesExResponse');
      expect(value).toEqual({ returnval: { val: { $type: 'VirtualDiskFlatVer2BackingInfo', fileName: '[ds] a.vmdk' } } });
    }
  });

  test('a "type" attribute in another namespace is not xsi:type; a managed object reference keeps its own type', () => {
    const xml = answer('<R xmlns="urn:vim25" xmlns:other="urn:other"><a other:type="Nope"><b>1</b></a><obj type="VirtualMachine">vm-7</obj><val xsi:type="ManagedObjectReference" type="HostSystem">host-1</val><s xsi:type="xsd:string">text</s></R>');
    const { value } = parseBody(xml);
    expect(value).toEqual({ a: { b: '1' }, obj: new MoRef('VirtualMachine', 'vm-7'), val: new MoRef('HostSystem', 'host-1'), s: 'text' });
  });

  test('entities and numeric character references are decoded (notes keep their line breaks)', () => {
    const { value } = parseBody(answer('<R xmlns="urn:vim25"><annotation>opsdesk.key=REQ-1&#xA;a &amp; b &lt;c&gt; &#26085;</annotation></R>'));
    expect(value).toEqual({ annotation: 'opsdesk.key=REQ-1\na & b <c> 日' });
  });

  test('a SOAP fault is read with its vim25 fault type', () => {
    const { name, value } = parseBody(answer('<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>already on</faultstring><detail><InvalidPowerStateFault xmlns="urn:vim25" xsi:type="InvalidPowerState"><existingState>poweredOn</existingState></InvalidPowerStateFault></detail></soapenv:Fault>'));
    expect(name).toBe('Fault');
    expect(value).toMatchObject({ faultstring: 'already on', detail: { InvalidPowerStateFault: { $type: 'InvalidPowerState', existingState: 'poweredOn' } } });
  });

  test('requests keep the order fields are given in (WSDL order), mark polymorphic values with xsi:type, repeat arrays and escape text', () => {
    expect(toXml('spec', { $type: 'VirtualMachineConfigSpec', annotation: 'a<b & "c"', numCPUs: 2, memoryMB: 2048, deviceChange: undefined })).toBe(
      '<spec xsi:type="VirtualMachineConfigSpec"><annotation>a&lt;b &amp; &quot;c&quot;</annotation><numCPUs>2</numCPUs><memoryMB>2048</memoryMB></spec>',
    );
    expect(toXml('pathSet', ['name', 'runtime.host'])).toBe('<pathSet>name</pathSet><pathSet>runtime.host</pathSet>');
    const body = envelope('PowerOnVM_Task', new MoRef('VirtualMachine', 'vm-1'), [['host', new MoRef('HostSystem', 'host-2')]]);
    expect(body).toContain('<PowerOnVM_Task xmlns="urn:vim25"><_this type="VirtualMachine">vm-1</_this><host type="HostSystem">host-2</host></PowerOnVM_Task>');
    expect(body).toContain('xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"');
  });
});
