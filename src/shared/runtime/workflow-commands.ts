/**
 * The runner's workflow-command and file-command protocol, implemented directly: outputs go to
 * GITHUB_OUTPUT, summaries to GITHUB_STEP_SUMMARY, annotations and groups are `::command::` lines.
 * (@actions/core does the same but bundles an HTTP client for OIDC that no action here needs,
 * about 450 KB of every bundle.)
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { EOL } from 'node:os';

export interface AnnotationProperties {
  title?: string;
  file?: string;
  line?: number;
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** Formats `::name k=v,…::message`. */
export function formatCommand(
  name: string,
  message: string,
  properties: Record<string, string | number | undefined> = {},
): string {
  const props = Object.entries(properties)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(',');
  return `::${name}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

function write(line: string): void {
  process.stdout.write(line + EOL);
}

export function issueCommand(
  name: string,
  message: string,
  properties?: Record<string, string | number | undefined>,
): void {
  write(formatCommand(name, message, properties));
}

/** Appends `name<<delimiter` … to a file command (GITHUB_OUTPUT, GITHUB_ENV). */
export function formatFileCommandValue(
  name: string,
  value: string,
  delimiter = `ghadelimiter_${randomUUID()}`,
): string {
  if (name.includes(delimiter) || value.includes(delimiter))
    throw new Error(`Value of ${name} contains its delimiter`);
  return `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`;
}

export function setOutput(name: string, value: string): void {
  const file = process.env.GITHUB_OUTPUT;
  if (file) appendFileSync(file, formatFileCommandValue(name, value), 'utf8');
  else issueCommand('set-output', value, { name });
}

export function appendStepSummary(markdown: string): void {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, markdown.endsWith(EOL) ? markdown : markdown + EOL, 'utf8');
}

export const commands = {
  debug: (message: string) => issueCommand('debug', message),
  info: (message: string) => write(message),
  notice: (message: string, properties: AnnotationProperties = {}) =>
    issueCommand('notice', message, { ...properties }),
  warning: (message: string, properties: AnnotationProperties = {}) =>
    issueCommand('warning', message, { ...properties }),
  error: (message: string, properties: AnnotationProperties = {}) =>
    issueCommand('error', message, { ...properties }),
  startGroup: (title: string) => issueCommand('group', title),
  endGroup: () => issueCommand('endgroup', ''),
  /** Masks a value in all later log lines. */
  addMask: (value: string) => issueCommand('add-mask', value),
};
