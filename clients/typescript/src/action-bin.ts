#!/usr/bin/env node
import { appendFileSync } from "node:fs";
import { runAction } from "./action.ts";

const outputFile = process.env.GITHUB_OUTPUT;

process.exitCode = await runAction({
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  // Values are ids, stages, statuses and versions: one line each.
  setOutput: (name, value) => {
    if (outputFile) appendFileSync(outputFile, `${name}=${value.replaceAll(/[\r\n]+/g, " ")}\n`);
  },
});
