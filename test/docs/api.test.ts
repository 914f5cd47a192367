// docs/api.md is the API reference of every exported symbol: generated, so it must be current, and
// every symbol must carry a doc comment.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { API_DOC, entries, generate } from '../../scripts/gen-api-docs.ts';

const { markdown, undocumented } = generate();

test('docs/api.md is what scripts/gen-api-docs.ts generates now', () => {
  assert.ok(readFileSync(API_DOC, 'utf8') === markdown, 'docs/api.md is out of date: node --import tsx scripts/gen-api-docs.ts');
});

test('every exported symbol has a doc comment', () => {
  assert.equal(undocumented, []);
});

test('every package entry has a section, with the symbols a user reaches for', () => {
  for (const [name] of entries()) assert.ok(markdown.includes(`## ${name}\n`), name);
  for (const sym of ['Core', 'MCU_REF', 'Learner', 'Arm2', 'runTracking', 'networkController', 'connectPort', 'OnlineLearner', 'SimIO']) assert.match(markdown, `- **${sym}** (`);
});

test.run();
