// npm run lint:regex — every regular expression in the Worker's code (src/, workers/) must run in
// linear time on any input: agency text (release notes, names, change logs) reaches the markdown
// renderer, the templates and the validators, and the outbox drain is shared by every agency, so one
// backtracking pattern lets one agency's text delay everyone's mail. The patterns are found in the
// source with the TypeScript parser (regex literals and `new RegExp("…")` with a literal), so a new
// one cannot slip in; recheck (a ReDoS checker: automata analysis plus fuzzing for attack strings)
// judges each. Anything not proven safe fails, with the attack string recheck found.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { checkSync } from "recheck";
import ts from "typescript";
import { projectRoot } from "./lib/paths.ts";

interface Found {
  file: string;
  line: number;
  source: string;
  flags: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

function patternsIn(file: string): Found[] {
  const text = readFileSync(file, "utf8");
  const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: Found[] = [];
  const at = (node: ts.Node) => sourceFile.getLineAndCharacterOfPosition(node.getStart()).line + 1;
  const visit = (node: ts.Node) => {
    if (ts.isRegularExpressionLiteral(node)) {
      const literal = node.text;
      const end = literal.lastIndexOf("/");
      found.push({ file, line: at(node), source: literal.slice(1, end), flags: literal.slice(end + 1) });
    } else if (
      (ts.isNewExpression(node) || ts.isCallExpression(node)) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === "RegExp"
    ) {
      const [pattern, flags] = node.arguments ?? [];
      if (pattern && ts.isStringLiteralLike(pattern)) {
        const flagText = flags && ts.isStringLiteralLike(flags) ? flags.text : "";
        found.push({ file, line: at(node), source: pattern.text, flags: flagText });
      } else if (pattern && !ts.isRegularExpressionLiteral(pattern)) {
        // A pattern built at run time cannot be judged here: it must not exist.
        found.push({ file, line: at(node), source: "<built at run time>", flags: "" });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

const files = ["src", "workers"].flatMap((dir) => sourceFiles(join(projectRoot, dir)));
const patterns = files.flatMap(patternsIn);
const failures: string[] = [];
for (const pattern of patterns) {
  const where = `${relative(projectRoot, pattern.file)}:${pattern.line}`;
  if (pattern.source === "<built at run time>") {
    failures.push(`${where}: a RegExp built from a non-literal cannot be checked; use a literal`);
    continue;
  }
  const result = checkSync(pattern.source, pattern.flags, { timeout: 10_000 });
  if (result.status === "safe") continue;
  const detail =
    result.status === "vulnerable"
      ? `${result.complexity.summary}; attack: ${JSON.stringify(result.attack.pattern)}`
      : `could not be proven safe (${result.error?.kind ?? "unknown"})`;
  failures.push(`${where}: /${pattern.source}/${pattern.flags} — ${detail}`);
}

if (failures.length > 0) {
  console.error(
    `regex safety: ${failures.length} of ${patterns.length} patterns are not linear:\n  ${failures.join("\n  ")}`,
  );
  process.exit(1);
}
console.log(`regex safety: ${patterns.length} patterns in ${files.length} files, all linear (recheck)`);
