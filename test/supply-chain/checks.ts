import { parse } from 'yaml';

/** Something in a workflow or script that breaks the supply-chain rules, where it is. */
export interface Finding {
  /** `file:line`. */
  readonly at: string;
  readonly problem: string;
}

const SHA_PIN = /^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/;
const RELEASE_COMMENT = /#\s*v\d+(\.\d+)*\b/;
const DOCKER_PIN = /^docker:\/\/[^@\s]+@sha256:[0-9a-f]{64}$/;
const WRITE_ALL = new Set(['write-all', 'read-all']);
/** Commands that fetch something from the network to run or apply it. */
const DOWNLOAD = /(^|[\s;|&(])(curl|wget)\s/;
/** A request to the machine itself (the kind node's ports, as the e2e sends traffic): nothing is downloaded to run. */
const LOCAL_REQUEST = /\bhttps?:\/\/(127\.0\.0\.1|localhost)[:/]|--resolve\s+"?[^\s"]+:127\.0\.0\.1\b/;
const CHECKSUM = /\bsha256sum\b[^\n]*--check|\bshasum\s+-a\s*256\b[^\n]*--check/;
/** npm resolving and fetching packages by name or range, with no lock file's integrity hashes to check them against. */
const NPM_RESOLVE = /(^|[\s;|&(])(npm\s+(install|i|add|exec|x)|npx)(\s|$)/;

/**
 * Pinned-Dependencies, Token-Permissions and Dangerous-Workflow in the OpenSSF Scorecard's sense:
 * every action and reusable workflow at a full commit SHA with its release in a comment (or a
 * docker image by digest, or a local action), job containers and services by digest, read-only
 * defaults with each job's permissions spelled out, no pull_request_target, no event data pasted
 * into a shell.
 */
export function checkWorkflow(file: string, text: string): Finding[] {
  const findings: Finding[] = [];
  const lines = text.split('\n');
  const lineOf = (needle: RegExp) => lines.findIndex((line) => needle.test(line)) + 1;
  for (const [index, line] of lines.entries()) {
    const match = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line);
    if (!match) continue;
    const [, reference, rest] = match;
    const at = `${file}:${index + 1}`;
    if (reference.startsWith('./')) continue;
    if (reference.startsWith('docker://')) {
      if (!DOCKER_PIN.test(reference)) findings.push({ at, problem: `${reference} is not pinned by digest (docker://image@sha256:...)` });
    } else if (!SHA_PIN.test(reference)) {
      findings.push({ at, problem: `${reference} is not pinned to a full commit SHA` });
    } else if (!RELEASE_COMMENT.test(rest)) {
      findings.push({ at, problem: `${reference} has no "# v<release>" comment saying which release the SHA is` });
    }
  }
  const workflow = (parse(text) ?? {}) as { on?: unknown; permissions?: unknown; jobs?: Record<string, WorkflowJob> };
  const triggers = typeof workflow.on === 'string' ? [workflow.on] : Array.isArray(workflow.on) ? workflow.on : Object.keys(workflow.on ?? {});
  if (triggers.includes('pull_request_target')) findings.push({ at: `${file}:${lineOf(/pull_request_target/)}`, problem: 'pull_request_target runs untrusted code with a privileged token' });
  if (workflow.permissions === undefined || !readOnly(workflow.permissions)) findings.push({ at: `${file}:${lineOf(/^permissions:/) || 1}`, problem: 'the workflow needs top-level permissions that grant nothing or read only ("permissions: {}")' });
  for (const [name, job] of Object.entries(workflow.jobs ?? {})) {
    const at = `${file}:${lineOf(new RegExp(`^  ${name}:`))}`;
    if (job.permissions === undefined) findings.push({ at, problem: `job ${name} does not say which permissions it needs` });
    else if (typeof job.permissions === 'string' && WRITE_ALL.has(job.permissions)) findings.push({ at, problem: `job ${name} asks for ${job.permissions}` });
    for (const step of job.steps ?? []) {
      if (step.run && /\$\{\{\s*github\.event\./.test(step.run)) findings.push({ at, problem: `job ${name} pastes event data into a shell (pass it through env: instead)` });
    }
    for (const image of jobImages(job)) {
      if (!/@sha256:[0-9a-f]{64}$/.test(image)) findings.push({ at, problem: `job ${name} runs the image ${image}, which is not pinned by digest` });
    }
  }
  findings.push(...checkDownloads(file, runBlocks(workflow)));
  return findings;
}

/** A job as far as these checks read it. */
interface WorkflowJob {
  readonly permissions?: unknown;
  readonly steps?: Array<{ run?: string }>;
  readonly container?: string | { image?: string };
  readonly services?: Record<string, { image?: string }>;
}

/** The images a job runs in and beside. */
function jobImages(job: WorkflowJob): string[] {
  const container = typeof job.container === 'string' ? job.container : job.container?.image;
  return [container, ...Object.values(job.services ?? {}).map((service) => service.image)].filter((image): image is string => Boolean(image));
}

function readOnly(permissions: unknown): boolean {
  if (typeof permissions === 'string') return permissions === 'read-all';
  return Object.values(permissions as Record<string, string>).every((access) => access === 'read' || access === 'none');
}

/** The shell of each `run:` step, as one script per step. */
function runBlocks(workflow: { jobs?: Record<string, WorkflowJob> }): string[] {
  return Object.values(workflow.jobs ?? {}).flatMap((job) => (job.steps ?? []).flatMap((step) => (step.run ? [step.run] : [])));
}

/**
 * Every download in `scripts` (shell, one string each) must go into a file and be checked
 * against a SHA-256 in the same shell function (or the same workflow step) before use: no
 * `curl | sh`, `curl | tar`, no unchecked file, no `kubectl apply` of a URL, and no npm install
 * or npx of a package (npm ci of a lock file checks each package's integrity hash).
 */
export function checkDownloads(file: string, scripts: readonly string[]): Finding[] {
  const findings: Finding[] = [];
  for (const script of scripts) {
    const lines = script.split('\n');
    for (const [index, raw] of lines.entries()) {
      const line = raw.replace(/(^|\s)#.*$/, '');
      const at = `${file}:${index + 1}`;
      const command = joinContinuations(lines, index);
      if (/kubectl\b[^\n]*\b(apply|create)\b[\s\S]*\s-[fk]\s*"?https?:\/\//.test(command)) findings.push({ at, problem: 'kubectl applies a URL: apply the repository\'s checked copy instead' });
      if (NPM_RESOLVE.test(line)) findings.push({ at, problem: 'npm fetches packages by name, unchecked: install a package-lock.json with npm ci, which checks each against its integrity hash' });
      if (!DOWNLOAD.test(line) || LOCAL_REQUEST.test(command)) continue;
      if (/\|\s*(sudo\s+)?(sh|bash|tar|python3?|kubectl)\b/.test(command)) {
        findings.push({ at, problem: 'a download is piped into a program before its checksum is known' });
      } else if (!/\s(-[a-zA-Z]*[oO]|--output)\s/.test(command)) {
        findings.push({ at, problem: 'a download that does not go into a file cannot be checked' });
      } else if (!CHECKSUM.test(enclosingBlock(lines, index))) {
        findings.push({ at, problem: 'a download is not checked against a SHA-256 (sha256sum --check) where it is made' });
      }
    }
  }
  return findings;
}

/** The line at `index` with the lines its trailing backslashes continue onto. */
function joinContinuations(lines: readonly string[], index: number): string {
  let command = lines[index];
  for (let next = index; lines[next]?.trimEnd().endsWith('\\') && next + 1 < lines.length; next++) command += `\n${lines[next + 1]}`;
  return command;
}

/** The shell function around line `index` (`name() {` to the `}` closing it), or the whole script. */
function enclosingBlock(lines: readonly string[], index: number): string {
  let start = index;
  while (start >= 0 && !/^[\w-]+\(\)\s*\{/.test(lines[start])) start--;
  if (start < 0) return lines.join('\n');
  let end = start + 1;
  while (end < lines.length && lines[end] !== '}') end++;
  return lines.slice(start, end + 1).join('\n');
}
