/** Reads a Dockerfile into its build stages, enough to check what each stage does. */

export interface DockerInstruction {
  /** Upper-cased instruction keyword: FROM, RUN, COPY, CMD, ... */
  keyword: string;
  /** Everything after the keyword, continuation lines joined by a space. */
  args: string;
}

export interface DockerStage {
  /** The base image as written, e.g. `${NODE_IMAGE}`. */
  from: string;
  /** The `AS <name>` of the stage, if any. */
  name?: string;
  instructions: DockerInstruction[];
}

export interface Dockerfile {
  /** ARG defaults declared before the first FROM (the only ones FROM lines can use). */
  globalArgs: Record<string, string>;
  stages: DockerStage[];
}

export function parseDockerfile(text: string): Dockerfile {
  const globalArgs: Record<string, string> = {};
  const stages: DockerStage[] = [];
  for (const { keyword, args } of logicalLines(text)) {
    if (keyword === 'FROM') {
      const [image, as, name] = args.split(/\s+/).filter((word) => !word.startsWith('--'));
      stages.push({
        from: image,
        name: as?.toUpperCase() === 'AS' ? name : undefined,
        instructions: [],
      });
      continue;
    }
    const stage = stages.at(-1);
    if (stage) {
      stage.instructions.push({ keyword, args });
    } else if (keyword === 'ARG') {
      const [argName, ...value] = args.split('=');
      globalArgs[argName.trim()] = value.join('=').trim();
    }
  }
  return { globalArgs, stages };
}

/** Replaces `${NAME}` and `$NAME` with the given values, leaving unknown names as they are. */
export function substituteArgs(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced?: string, bare?: string) => {
    const name = braced ?? bare ?? '';
    return name in values ? values[name] : whole;
  });
}

/** The words of a CMD/ENTRYPOINT/RUN in exec (JSON array) form, or the shell form as one word. */
export function commandWords(args: string): string[] {
  if (!args.trimStart().startsWith('[')) return [args.trim()];
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((word): word is string => typeof word === 'string')) {
    throw new Error(`not an exec-form command: ${args}`);
  }
  return parsed;
}

function* logicalLines(text: string): Generator<DockerInstruction> {
  let pending = '';
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    // Docker drops comment lines even in the middle of a continued instruction.
    if (line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    const whole = `${pending}${line}`.trim();
    pending = '';
    if (!whole) continue;
    const match = /^(\S+)\s*(.*)$/.exec(whole);
    if (match) yield { keyword: match[1].toUpperCase(), args: match[2] };
  }
}
