import { XMLParser } from 'fast-xml-parser';

/**
 * The XML side of vim25 SOAP: writing request bodies in WSDL order with `xsi:type` where a field is
 * polymorphic, and reading answers into plain objects, resolving `xsi:type` by its namespace (a real
 * vCenter writes `xsi:type`, vcsim `XMLSchema-instance:type`; both mean the XMLSchema-instance
 * namespace).
 */

export const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const XSD = 'http://www.w3.org/2001/XMLSchema';
export const VIM25 = 'urn:vim25';

/** A managed object reference: `<obj type="VirtualMachine">vm-42</obj>`. */
export class MoRef {
  constructor(
    readonly type: string,
    readonly value: string,
  ) {}

  toString(): string {
    return `${this.type}:${this.value}`;
  }
}

/**
 * A value to write. Objects are written field by field in their key order, so callers list fields
 * in WSDL order; `$type` becomes `xsi:type`; arrays repeat the element; undefined and null are left out.
 */
export type VimValue = string | number | boolean | MoRef | VimObject | VimValue[] | null | undefined;
export interface VimObject {
  $type?: string;
  [field: string]: VimValue;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function toXml(name: string, value: VimValue): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((item) => toXml(name, item)).join('');
  if (value instanceof MoRef) return `<${name} type="${escape(value.type)}">${escape(value.value)}</${name}>`;
  if (typeof value === 'object') {
    const type = value.$type ? ` xsi:type="${escape(value.$type)}"` : '';
    const body = Object.entries(value).filter(([key]) => key !== '$type').map(([key, v]) => toXml(key, v)).join('');
    return `<${name}${type}>${body}</${name}>`;
  }
  return `<${name}>${escape(String(value))}</${name}>`;
}

/** The SOAP envelope of one vim25 call: `_this` first, then the arguments in WSDL order. */
export function envelope(method: string, self: MoRef, args: Array<[string, VimValue]>): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="${XSD}" xmlns:xsi="${XSI}">` +
    `<soapenv:Body><${method} xmlns="${VIM25}">${toXml('_this', self)}${args.map(([k, v]) => toXml(k, v)).join('')}</${method}></soapenv:Body>` +
    '</soapenv:Envelope>'
  );
}

/** What a read element becomes: text, a MoRef, or an object of its children (`$type` from xsi:type). */
export type Parsed = string | MoRef | ParsedObject | Parsed[];
export interface ParsedObject {
  $type?: string;
  [field: string]: Parsed | undefined;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // Entities are decoded below, numeric character references (`&#xA;` in notes) included.
  processEntities: false,
});

const localName = (name: string) => name.slice(name.indexOf(':') + 1);

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** XML's five entities and numeric character references. */
export function decodeXml(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g, (whole, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
    return NAMED[name] ?? whole;
  });
}

type Raw = string | Record<string, unknown> | Raw[];

function convert(raw: Raw, scope: Map<string, string>): Parsed {
  if (Array.isArray(raw)) return raw.map((r) => convert(r, scope));
  if (typeof raw !== 'object' || raw === null) return decodeXml(String(raw ?? ''));
  const attributes = Object.entries(raw).filter(([k]) => k.startsWith('@'));
  let inner = scope;
  for (const [k, v] of attributes) {
    if (k === '@xmlns' || k.startsWith('@xmlns:')) {
      if (inner === scope) inner = new Map(scope);
      inner.set(k === '@xmlns' ? '' : k.slice(7), decodeXml(String(v)));
    }
  }
  let xsiType: string | undefined;
  let refType: string | undefined;
  for (const [k, v] of attributes) {
    const name = k.slice(1);
    if (name.startsWith('xmlns')) continue;
    const colon = name.indexOf(':');
    if (colon < 0) {
      if (name === 'type') refType = decodeXml(String(v));
    } else if (inner.get(name.slice(0, colon)) === XSI && name.slice(colon + 1) === 'type') {
      xsiType = decodeXml(String(v));
    }
  }
  const typeName = xsiType ? resolveTypeName(xsiType, inner) : undefined;
  const rawText = raw['#text'];
  const text = typeof rawText === 'string' || typeof rawText === 'number' ? decodeXml(String(rawText)) : undefined;
  if (refType !== undefined && (typeName === undefined || typeName === 'ManagedObjectReference')) return new MoRef(refType, text ?? '');
  const children = Object.entries(raw).filter(([k]) => !k.startsWith('@') && k !== '#text');
  if (children.length === 0) return text === undefined ? (typeName && !typeName.startsWith('xsd:') ? { $type: typeName } : '') : text;
  const result: ParsedObject = typeName ? { $type: typeName } : {};
  for (const [k, v] of children) result[localName(k)] = convert(v as Raw, inner);
  return result;
}

/** `vim25:VirtualMachinePowerState` → `VirtualMachinePowerState`; XML Schema types keep an `xsd:` mark. */
function resolveTypeName(value: string, scope: Map<string, string>): string {
  const colon = value.indexOf(':');
  const ns = colon < 0 ? scope.get('') : scope.get(value.slice(0, colon));
  const local = value.slice(colon + 1);
  return ns === XSD ? `xsd:${local}` : local;
}

/** Parses a SOAP answer into its Body's first element (or a fault). */
export function parseBody(xml: string): { name: string; value: Parsed } {
  const doc = parser.parse(xml) as Record<string, Raw>;
  const root = Object.entries(doc).find(([k]) => localName(k) === 'Envelope');
  if (!root || typeof root[1] !== 'object') throw new Error('not a SOAP envelope');
  const envelopeRaw = root[1] as Record<string, Raw>;
  const scope = new Map<string, string>();
  for (const [k, v] of Object.entries(envelopeRaw)) if (k.startsWith('@xmlns') && typeof v === 'string') scope.set(k === '@xmlns' ? '' : k.slice(7), v);
  const bodyEntry = Object.entries(envelopeRaw).find(([k]) => localName(k) === 'Body');
  if (!bodyEntry || typeof bodyEntry[1] !== 'object') throw new Error('SOAP envelope without a Body');
  const body = bodyEntry[1] as Record<string, Raw>;
  const first = Object.entries(body).find(([k]) => !k.startsWith('@'));
  if (!first) return { name: '', value: '' };
  return { name: localName(first[0]), value: convert(first[1], scope) };
}

// ---- reading helpers ---------------------------------------------------------------------------

/** A field that may occur once or many times, as a list. */
export function list(value: Parsed | undefined): Parsed[] {
  if (value === undefined || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

export function obj(value: Parsed | undefined): ParsedObject {
  return value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof MoRef) ? value : {};
}

export function text(value: Parsed | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function num(value: Parsed | undefined): number | undefined {
  const t = text(value);
  return t === undefined || t === '' ? undefined : Number(t);
}

export function ref(value: Parsed | undefined): MoRef | undefined {
  return value instanceof MoRef ? value : undefined;
}
