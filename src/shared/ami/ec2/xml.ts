/**
 * A small XML reader for EC2 Query responses: elements, text and entities (attributes,
 * comments and processing instructions are skipped). Enough for AWS's machine-written XML.
 */

export interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes `&lt;`, `&#38;`, `&#x26;` and friends. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    return ENTITIES[entity] ?? whole;
  });
}

/** Parses a document into its root element; throws on malformed nesting. */
export function parseXml(xml: string): XmlElement {
  const root: XmlElement = { name: '#document', children: [], text: '' };
  const stack: XmlElement[] = [root];
  const tag =
    /<(\/?)([A-Za-z_][\w.:-]*)[^>]*?(\/?)>|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>/g;
  let last = 0;
  for (let match = tag.exec(xml); match; match = tag.exec(xml)) {
    const top = stack[stack.length - 1];
    top.text += decodeEntities(xml.slice(last, match.index));
    last = tag.lastIndex;
    const [, closing, name, selfClosing, cdata] = match;
    if (cdata !== undefined) top.text += cdata;
    if (!name) continue;
    if (closing) {
      if (top.name !== name) throw new Error(`malformed XML: </${name}> closes <${top.name}>`);
      stack.pop();
    } else {
      const element: XmlElement = { name, children: [], text: '' };
      top.children.push(element);
      if (!selfClosing) stack.push(element);
    }
  }
  if (stack.length !== 1) throw new Error(`malformed XML: <${stack[stack.length - 1].name}> is not closed`);
  const element = root.children[0];
  if (!element) throw new Error('empty XML document');
  return element;
}

/** The first child named `name`. */
export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((candidate) => candidate.name === name);
}

/** The trimmed text of the child named `name`, or undefined when absent or empty. */
export function text(element: XmlElement | undefined, name: string): string | undefined {
  const found = child(element, name);
  const value = found?.text.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** The `<item>` children of the child named `name` (EC2's list encoding). */
export function items(element: XmlElement | undefined, name: string): XmlElement[] {
  return child(element, name)?.children.filter((candidate) => candidate.name === 'item') ?? [];
}
