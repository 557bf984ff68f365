import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { connect, type TLSSocket } from 'node:tls';
import { envelope, list, MoRef, num, obj, parseBody, ref, text, type Parsed, type ParsedObject, type VimObject, type VimValue } from './vim-xml';

export { MoRef } from './vim-xml';

/**
 * How the vCenter's certificate is trusted. Never "ignore": a CA file (the vCenter's VMCA root), a
 * pinned SHA-256 or SHA-1 thumbprint of its certificate, or else the system's CAs.
 */
export interface VimTls {
  caFile?: string | null;
  /** Hex, with or without colons; 64 hex digits for SHA-256, 40 for SHA-1. */
  thumbprint?: string | null;
}

/** A fault vCenter reported: `faultType` is the vim25 fault's type without a `Fault` suffix (`InvalidPowerState`). */
export class VimFault extends Error {
  constructor(
    readonly faultType: string,
    message: string,
    readonly detail: ParsedObject = {},
  ) {
    super(message);
    this.name = 'VimFault';
  }
}

/** vCenter could not be reached or answered something that is not SOAP. */
export class VimTransportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VimTransportError';
  }
}

export interface ServiceContent {
  rootFolder: MoRef;
  propertyCollector: MoRef;
  viewManager: MoRef;
  sessionManager: MoRef;
  customFieldsManager: MoRef;
  searchIndex: MoRef;
  /** Absent on a bare ESXi host. */
  eventManager: MoRef | undefined;
  apiVersion: string;
  apiType: string;
}

export interface ObjectContent {
  obj: MoRef;
  props: Record<string, Parsed>;
}

export interface TaskProgress {
  state: string;
  percent?: number;
}

const SERVICE_INSTANCE = new MoRef('ServiceInstance', 'ServiceInstance');

export function normalizeThumbprint(value: string): string {
  return value.replace(/[:\s]/g, '').toUpperCase();
}

/**
 * A small typed vim25 SOAP client on node:http over a TLS socket this client verifies itself: one
 * connection per call, checked (CA or pinned thumbprint) before a byte of the request is sent.
 */
export class VimClient {
  private cookie: string | null = null;
  private content: ServiceContent | null = null;
  private readonly endpoint: URL;
  private readonly ca: Buffer | undefined;
  private readonly pin: string | null;

  constructor(
    url: string,
    tls: VimTls,
    private readonly timeoutMs = 60_000,
  ) {
    this.endpoint = new URL(url);
    if (this.endpoint.protocol !== 'https:') throw new Error(`VSPHERE_URL must be https://, got ${url}`);
    if (this.endpoint.pathname === '/' || this.endpoint.pathname === '') this.endpoint.pathname = '/sdk';
    this.ca = tls.caFile ? readFileSync(tls.caFile) : undefined;
    this.pin = tls.thumbprint ? normalizeThumbprint(tls.thumbprint) : null;
    if (this.pin && !/^([0-9A-F]{40}|[0-9A-F]{64})$/.test(this.pin)) throw new Error('VSPHERE_THUMBPRINT must be a SHA-256 (64 hex digits) or SHA-1 (40) thumbprint');
  }

  get service(): ServiceContent {
    if (!this.content) throw new Error('not connected: call login() first');
    return this.content;
  }

  // ---- sessions ------------------------------------------------------------------------------

  async login(userName: string, password: string): Promise<void> {
    const sc = obj((await this.call('RetrieveServiceContent', SERVICE_INSTANCE, [])).value);
    const about = obj(sc.about);
    this.content = {
      rootFolder: need(ref(sc.rootFolder), 'rootFolder'),
      propertyCollector: need(ref(sc.propertyCollector), 'propertyCollector'),
      viewManager: need(ref(sc.viewManager), 'viewManager'),
      sessionManager: need(ref(sc.sessionManager), 'sessionManager'),
      customFieldsManager: need(ref(sc.customFieldsManager), 'customFieldsManager'),
      searchIndex: need(ref(sc.searchIndex), 'searchIndex'),
      eventManager: ref(sc.eventManager),
      apiVersion: text(about.apiVersion) ?? '7.0',
      apiType: text(about.apiType) ?? '',
    };
    await this.call('Login', this.content.sessionManager, [['userName', userName], ['password', password]]);
  }

  async logout(): Promise<void> {
    if (!this.content || !this.cookie) return;
    try {
      await this.call('Logout', this.content.sessionManager, []);
    } finally {
      this.cookie = null;
    }
  }

  // ---- properties ----------------------------------------------------------------------------

  /** Properties of every object of a type under a container (a ContainerView, destroyed after). */
  async retrieveAll(type: string, paths: string[], container: MoRef = this.service.rootFolder): Promise<ObjectContent[]> {
    const view = need(ref((await this.call('CreateContainerView', this.service.viewManager, [['container', container], ['type', type], ['recursive', true]])).value), 'view');
    try {
      return await this.retrieve([{
        propSet: [{ type, all: false, pathSet: paths }],
        objectSet: [{ obj: view, skip: true, selectSet: [{ $type: 'TraversalSpec', name: 'view', type: 'ContainerView', path: 'view', skip: false }] }],
      }]);
    } finally {
      await this.call('DestroyView', view, []).catch(() => undefined);
    }
  }

  /** Properties of one object; null when it is gone. */
  async retrieveOne(object: MoRef, paths: string[]): Promise<Record<string, Parsed> | null> {
    try {
      const [found] = await this.retrieve([{ propSet: [{ type: object.type, all: false, pathSet: paths }], objectSet: [{ obj: object, skip: false }] }]);
      return found?.props ?? null;
    } catch (error) {
      if (error instanceof VimFault && error.faultType === 'ManagedObjectNotFound') return null;
      throw error;
    }
  }

  private async retrieve(specSet: VimObject[]): Promise<ObjectContent[]> {
    const out: ObjectContent[] = [];
    let result = obj((await this.call('RetrievePropertiesEx', this.service.propertyCollector, [['specSet', specSet], ['options', { maxObjects: 500 }]])).value);
    for (;;) {
      for (const item of list(result.objects)) {
        const o = obj(item);
        const props: Record<string, Parsed> = {};
        for (const p of list(o.propSet)) {
          const prop = obj(p);
          const name = text(prop.name);
          if (name !== undefined && prop.val !== undefined) props[name] = prop.val;
        }
        const objRef = ref(o.obj);
        if (objRef) out.push({ obj: objRef, props });
      }
      const token = text(result.token);
      if (!token) return out;
      result = obj((await this.call('ContinueRetrievePropertiesEx', this.service.propertyCollector, [['token', token]])).value);
    }
  }

  // ---- VM operations (each returns its Task) -------------------------------------------------

  async cloneVm(source: MoRef, folder: MoRef, name: string, spec: VimObject): Promise<MoRef> {
    return this.task('CloneVM_Task', source, [['folder', folder], ['name', name], ['spec', spec]]);
  }

  async reconfigVm(vm: MoRef, spec: VimObject): Promise<MoRef> {
    return this.task('ReconfigVM_Task', vm, [['spec', spec]]);
  }

  async powerOnVm(vm: MoRef): Promise<MoRef> {
    return this.task('PowerOnVM_Task', vm, []);
  }

  async powerOffVm(vm: MoRef): Promise<MoRef> {
    return this.task('PowerOffVM_Task', vm, []);
  }

  async destroy(entity: MoRef): Promise<MoRef> {
    return this.task('Destroy_Task', entity, []);
  }

  async createSnapshot(vm: MoRef, name: string, description: string): Promise<MoRef> {
    return this.task('CreateSnapshot_Task', vm, [['name', name], ['description', description], ['memory', false], ['quiesce', false]]);
  }

  async revertToSnapshot(snapshot: MoRef): Promise<MoRef> {
    return this.task('RevertToSnapshot_Task', snapshot, []);
  }

  async removeSnapshot(snapshot: MoRef, removeChildren = false): Promise<MoRef> {
    return this.task('RemoveSnapshot_Task', snapshot, [['removeChildren', removeChildren]]);
  }

  /** An HttpNfcLease to read a snapshot's files (ExportSnapshot; vCenter's ExportVm needs the VM powered off). */
  async exportSnapshot(snapshot: MoRef): Promise<MoRef> {
    return need(ref((await this.call('ExportSnapshot', snapshot, [])).value), 'HttpNfcLease');
  }

  // ---- custom attributes ---------------------------------------------------------------------

  /** The key of a custom attribute of VMs, created when missing. */
  async customFieldKey(name: string): Promise<number> {
    const existing = await this.findCustomField(name);
    if (existing !== undefined) return existing;
    try {
      const def = obj((await this.call('AddCustomFieldDef', this.service.customFieldsManager, [['name', name], ['moType', 'VirtualMachine']])).value);
      return need(num(def.key), 'CustomFieldDef.key');
    } catch (error) {
      // Another worker created it meanwhile.
      if (error instanceof VimFault && error.faultType === 'DuplicateName') return need(await this.findCustomField(name), `custom field ${name}`);
      throw error;
    }
  }

  private async findCustomField(name: string): Promise<number | undefined> {
    const props = await this.retrieveOne(this.service.customFieldsManager, ['field']);
    const field = list(obj(props?.field).CustomFieldDef).map(obj).find((f) => text(f.name) === name);
    return num(field?.key);
  }

  async setField(entity: MoRef, key: number, value: string): Promise<void> {
    await this.call('SetField', this.service.customFieldsManager, [['entity', entity], ['key', key], ['value', value]]);
  }

  // ---- events (R-MON-1) ---------------------------------------------------------------------

  /** vCenter's clock. */
  async currentTime(): Promise<string> {
    return text((await this.call('CurrentTime', SERVICE_INSTANCE, [])).value) ?? new Date().toISOString();
  }

  /** An event history collector of this session, from `beginTime` on (vCenter's clock). */
  async createEventCollector(beginTime: string): Promise<MoRef> {
    const manager = this.service.eventManager;
    if (!manager) throw new VimFault('NotSupported', 'this endpoint has no EventManager (not a vCenter)');
    const filter: VimObject = { $type: 'EventFilterSpec', time: { $type: 'EventFilterSpecByTime', beginTime } };
    return need(ref((await this.call('CreateCollectorForEvents', manager, [['filter', filter]])).value), 'EventHistoryCollector');
  }

  /** The next page of the collector, oldest first; empty at its end. */
  async readNextEvents(collector: MoRef, maxCount: number): Promise<ParsedObject[]> {
    return list((await this.call('ReadNextEvents', collector, [['maxCount', maxCount]])).value).map(obj);
  }

  async destroyCollector(collector: MoRef): Promise<void> {
    await this.call('DestroyCollector', collector, []);
  }

  // ---- tasks ---------------------------------------------------------------------------------

  /** Polls a task until it ends: its result on success, its fault as a {@link VimFault} on error. */
  async waitForTask(
    task: MoRef,
    options: { onProgress?: (p: TaskProgress) => void; onEnd?: (info: ParsedObject) => void; signal?: AbortSignal; pollMs?: number } = {},
  ): Promise<Parsed | undefined> {
    let delay = options.pollMs ?? 100;
    for (;;) {
      const props = await this.retrieveOne(task, ['info']);
      if (!props) throw new VimFault('ManagedObjectNotFound', `task ${task.value} is gone`);
      const info = obj(props.info);
      const state = text(info.state) ?? 'unknown';
      if (state === 'success' || state === 'error') options.onEnd?.(info);
      if (state === 'success') return info.result;
      if (state === 'error') {
        const error = obj(info.error);
        const fault = obj(error.fault);
        throw new VimFault(faultName(fault.$type ?? 'SystemError'), text(error.localizedMessage) || fault.$type || 'task failed', fault);
      }
      options.onProgress?.({ state, percent: num(info.progress) });
      if (options.signal?.aborted) throw new VimTransportError(`cancelled while waiting for ${task.value}`);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 2_000);
    }
  }

  private async task(method: string, self: MoRef, args: Array<[string, VimValue]>): Promise<MoRef> {
    return need(ref((await this.call(method, self, args)).value), `${method} task`);
  }

  // ---- transport -----------------------------------------------------------------------------

  async call(method: string, self: MoRef, args: Array<[string, VimValue]>): Promise<{ name: string; value: Parsed }> {
    const body = envelope(method, self, args);
    const { status, text: answer, cookie } = await this.post(body, method);
    if (cookie) this.cookie = cookie;
    let parsed: { name: string; value: Parsed };
    try {
      parsed = parseBody(answer);
    } catch {
      throw new VimTransportError(`${method}: HTTP ${status}, not a SOAP answer`);
    }
    if (parsed.name === 'Fault') {
      const fault = obj(parsed.value);
      const detail = obj(fault.detail);
      const [detailName, detailValue] = Object.entries(detail).find(([k]) => k !== '$type') ?? ['', undefined];
      const type = obj(detailValue).$type ?? detailName;
      throw new VimFault(faultName(type || 'SystemError'), text(fault.faultstring) ?? `${method} failed`, obj(detailValue));
    }
    if (status !== 200) throw new VimTransportError(`${method}: HTTP ${status}`);
    return { name: parsed.name, value: obj(parsed.value).returnval ?? '' };
  }

  private async post(body: string, method: string): Promise<{ status: number; text: string; cookie: string | null }> {
    const socket = await this.connect();
    return new Promise((resolvePost, reject) => {
      const version = this.content?.apiVersion ?? '7.0';
      const req = request(
        {
          host: this.endpoint.hostname,
          port: this.endpoint.port || 443,
          path: this.endpoint.pathname,
          method: 'POST',
          createConnection: () => socket,
          headers: {
            'content-type': 'text/xml; charset=utf-8',
            soapaction: `urn:vim25/${version}`,
            'content-length': Buffer.byteLength(body),
            connection: 'close',
            ...(this.cookie ? { cookie: this.cookie } : {}),
          },
          timeout: this.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const setCookie = res.headers['set-cookie']?.map((c) => c.split(';')[0]).find((c) => c.startsWith('vmware_soap_session='));
            resolvePost({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), cookie: setCookie ?? null });
          });
          res.on('error', (e) => reject(new VimTransportError(`${method}: ${e.message}`)));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (e) => reject(new VimTransportError(`${method}: ${e.message}`)));
      req.end(body);
    });
  }

  // ---- file transfer (HttpNfcLease) -------------------------------------------------------

  /**
   * Downloads what an HttpNfcLease device URL serves into `sink`; its size and SHA-256. A URL on the
   * vCenter's own host (or `*`, which means it) is fetched over a connection checked as every call
   * is, with the session; a URL on another host (an ESXi host) only with the SHA-1 thumbprint the
   * lease gives for it pinned, and without the session cookie.
   */
  async download(url: string, sink: NodeJS.WritableStream, sslThumbprint?: string | null): Promise<{ bytes: number; sha256: string }> {
    const target = new URL(url.replace('://*', `://${this.endpoint.host}`));
    if (target.protocol !== 'https:') throw new VimTransportError(`refusing to download over ${target.protocol} (${target.host})`);
    const own = target.host === this.endpoint.host;
    if (!own && !sslThumbprint) throw new VimTransportError(`refusing to download from ${target.host}: not the vCenter, and the lease gives no thumbprint to pin`);
    const host = target.hostname.replace(/^\[|\]$/g, '');
    const socket = await (own ? this.connect() : this.connectTo(host, Number(target.port || 443), normalizeThumbprint(sslThumbprint!)));
    return new Promise((resolveGet, reject) => {
      const req = request(
        {
          host, port: target.port || 443, path: `${target.pathname}${target.search}`, method: 'GET', createConnection: () => socket,
          headers: { connection: 'close', ...(own && this.cookie ? { cookie: this.cookie } : {}) },
          timeout: this.timeoutMs,
        },
        (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            reject(new VimTransportError(`GET ${target.pathname}: HTTP ${res.statusCode}`));
            return;
          }
          const hash = createHash('sha256');
          let bytes = 0;
          res.on('data', (chunk: Buffer) => {
            hash.update(chunk);
            bytes += chunk.length;
            if (!sink.write(chunk)) {
              res.pause();
              sink.once('drain', () => res.resume());
            }
          });
          res.on('end', () => resolveGet({ bytes, sha256: hash.digest('hex') }));
          res.on('error', (e) => reject(new VimTransportError(`GET ${target.pathname}: ${e.message}`)));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (e) => reject(new VimTransportError(`GET ${target.pathname}: ${e.message}`)));
      req.end();
    });
  }

  /**
   * Uploads `size` bytes from `source` to an HttpNfcLease device URL (an import's disk), with the
   * same rules as {@link download} for the host; the SHA-1 of what was sent (what the lease's manifest reports).
   */
  async upload(url: string, source: NodeJS.ReadableStream, size: number, sslThumbprint?: string | null): Promise<{ bytes: number; sha1: string }> {
    const target = new URL(url.replace('://*', `://${this.endpoint.host}`));
    if (target.protocol !== 'https:') throw new VimTransportError(`refusing to upload over ${target.protocol} (${target.host})`);
    const own = target.host === this.endpoint.host;
    if (!own && !sslThumbprint) throw new VimTransportError(`refusing to upload to ${target.host}: not the vCenter, and the lease gives no thumbprint to pin`);
    const host = target.hostname.replace(/^\[|\]$/g, '');
    const socket = await (own ? this.connect() : this.connectTo(host, Number(target.port || 443), normalizeThumbprint(sslThumbprint!)));
    return new Promise((resolvePut, reject) => {
      const hash = createHash('sha1');
      let bytes = 0;
      const req = request(
        {
          host, port: target.port || 443, path: `${target.pathname}${target.search}`, method: 'PUT', createConnection: () => socket,
          headers: { connection: 'close', 'content-type': 'application/x-vnd.vmware-streamVmdk', 'content-length': size, ...(own && this.cookie ? { cookie: this.cookie } : {}) },
          timeout: this.timeoutMs,
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode !== 200 && res.statusCode !== 201) reject(new VimTransportError(`PUT ${target.pathname}: HTTP ${res.statusCode}`));
            else resolvePut({ bytes, sha1: hash.digest('hex') });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (e) => reject(new VimTransportError(`PUT ${target.pathname}: ${e.message}`)));
      source.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        bytes += chunk.length;
        if (!req.write(chunk)) {
          source.pause();
          req.once('drain', () => source.resume());
        }
      });
      source.on('end', () => req.end());
      source.on('error', (e: Error) => req.destroy(e));
    });
  }

  /** A TLS connection to the vCenter whose certificate is checked before it is used. */
  private connect(): Promise<TLSSocket> {
    return this.connectTo(this.endpoint.hostname.replace(/^\[|\]$/g, ''), Number(this.endpoint.port || 443), this.pin);
  }

  private connectTo(host: string, port: number, pin: string | null): Promise<TLSSocket> {
    return new Promise((done, fail) => {
      const socket = connect({
        host,
        port,
        servername: isIP(host) ? undefined : host,
        ca: this.ca,
        // With a pinned thumbprint the chain is not what is trusted: the certificate itself is, checked below.
        rejectUnauthorized: !pin,
      });
      const timer = setTimeout(() => socket.destroy(new Error(`no TLS connection within ${this.timeoutMs} ms`)), this.timeoutMs);
      socket.once('secureConnect', () => {
        clearTimeout(timer);
        if (pin) {
          const cert = socket.getPeerCertificate();
          const seen = normalizeThumbprint(pin.length === 64 ? cert.fingerprint256 ?? '' : cert.fingerprint ?? '');
          if (seen !== pin) {
            socket.destroy();
            fail(new VimTransportError(`the certificate of ${host} has thumbprint ${seen}, not the pinned ${pin}`));
            return;
          }
        }
        done(socket);
      });
      socket.once('error', (e: Error) => {
        clearTimeout(timer);
        fail(new VimTransportError(`${host}: ${e.message}`));
      });
    });
  }
}

function faultName(type: string): string {
  const local = type.slice(type.indexOf(':') + 1);
  return local.endsWith('Fault') && local !== 'Fault' ? local.slice(0, -5) : local;
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new VimTransportError(`vCenter's answer lacks ${what}`);
  return value;
}
