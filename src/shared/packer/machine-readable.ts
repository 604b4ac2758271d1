/**
 * Packer's `-machine-readable` output: one record per line,
 * `timestamp,target,type,data...`, where commas inside data are written `%!(PACKER_COMMA)`
 * and newlines as a literal `\n`. Pure functions; the runner feeds lines as they arrive.
 */

/** One parsed line of machine-readable output. */
export interface PackerRecord {
  timestamp: number;
  /** The build name (`amazon-ebs.node`), or empty for global records. */
  target: string;
  type: string;
  data: string[];
}

/** A built artifact's id, split into region and image (`us-east-1:ami-0abc` → both parts). */
export interface AmiArtifact {
  /** The build that produced it (`amazon-ebs.node`). */
  build: string;
  region: string;
  imageId: string;
}

/** Undoes Packer's escaping of one data field. */
export function unescapeField(text: string): string {
  return text
    .replace(/%!\(PACKER_COMMA\)/g, ',')
    .replace(/\\n/g, '\n')
    .replace(/\\r/g, '\r');
}

/** Parses one line; undefined for lines that are not machine-readable records (e.g. stderr noise). */
export function parseRecord(line: string): PackerRecord | undefined {
  const fields = line.replace(/\r$/, '').split(',');
  if (fields.length < 3 || !/^\d+$/.test(fields[0])) return undefined;
  const [timestamp, target, type, ...data] = fields;
  if (!/^[a-z][a-z0-9-]*$/.test(type)) return undefined;
  return { timestamp: Number(timestamp), target, type, data: data.map(unescapeField) };
}

/** A `ui` record as the person at a terminal would have seen it, with its level. */
export function uiMessage(
  record: PackerRecord,
): { level: 'say' | 'message' | 'error'; text: string } | undefined {
  if (record.type !== 'ui') return undefined;
  const [level, ...rest] = record.data;
  if (level !== 'say' && level !== 'message' && level !== 'error') return undefined;
  return { level, text: rest.join(',') };
}

/**
 * Splits an artifact id into AMIs. The amazon builders report `region:ami-…`, several of them
 * comma-separated when a template copies to more regions (`ami_regions`).
 */
export function parseArtifactId(build: string, id: string): AmiArtifact[] {
  return id
    .split(',')
    .map((part) => part.trim())
    .map((part) => /^([a-z]{2}(?:-[a-z]+)+-\d+):(ami-[0-9a-f]+)$/.exec(part))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ build, region: match[1], imageId: match[2] }));
}

/**
 * The AMIs a run produced, from its `artifact,<n>,id,<id>` records. Post-processors such as
 * `manifest` repeat the builder's artifact under a new index, so duplicates are dropped.
 */
export function artifactsFromRecords(records: PackerRecord[]): AmiArtifact[] {
  const found = records
    .filter((record) => record.type === 'artifact' && record.data[1] === 'id' && record.data[2])
    .flatMap((record) => parseArtifactId(record.target, record.data.slice(2).join(',')));
  return uniqueArtifacts(found);
}

/** Drops repeated (region, image) pairs, keeping the first. */
export function uniqueArtifacts(artifacts: AmiArtifact[]): AmiArtifact[] {
  const seen = new Set<string>();
  return artifacts.filter((artifact) => {
    const key = `${artifact.region}:${artifact.imageId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The errors a failed run reported (`<target>,error,<message>` records). */
export function buildErrors(records: PackerRecord[]): string[] {
  return records
    .filter((record) => record.type === 'error' && record.data.length > 0)
    .map((record) => `${record.target ? `${record.target}: ` : ''}${record.data.join(',')}`);
}
