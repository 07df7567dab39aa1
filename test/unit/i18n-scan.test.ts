/**
 * No words in the UI's code: every string a user reads in the popup and the options page (components/) and in the
 * inline UI on Datamolino's page (lib/content/) comes from locales/en.yml through lib/i18n.ts, so a translation is a
 * new file. The scanner reads the code with TypeScript's parser and reports a literal as words when it is
 *  1. JSX text with a letter in it;
 *  2. a literal with a letter shown as it is: a JSX child ({'Saved'}), a child of the inline UI's h(), a DOM text
 *     property (el.textContent = …), the value of a JSX attribute or object property that holds words
 *     (TEXT_ATTRIBUTES: title, aria-label, placeholder…; text, message, detail), directly or through `?:`, `&&`, `||`,
 *     `??`, `+` or a template;
 *  3. anywhere else, prose: two words or more with one Capitalised ("Fix all", "Scan {} folders"), text ending like a
 *     sentence (`.` `?` `!` `…`, or `:` after a word with a space or capital), or three plain words ("did not load").
 * Not words: module names, types, property names and keys, comparisons and `case`s, the other JSX attributes and
 * class / id / role / data-* properties, and the arguments of t()/tn() (message keys), console.* and DOM lookups
 * (selectors, events). Single words outside those places ('never', 'Fix') cannot be told from identifiers: review.
 * The popup's and options page's HTML is checked too: it has no text, their scripts set title and language.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseMessagesFile } from '@wxt-dev/i18n/build';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** JSX attributes and h() / object properties whose value a user reads (or hears, for aria-*). */
const TEXT_ATTRIBUTES = new Set([
  'title',
  'aria-label',
  'aria-description',
  'aria-roledescription',
  'aria-valuetext',
  'aria-placeholder',
  'placeholder',
  'alt',
  'label',
]);
const TEXT_PROPERTIES = new Set([...TEXT_ATTRIBUTES, 'text', 'message', 'detail', 'headline']);
/** h() attributes and object properties that hold code, not words, whatever their letters. */
const CODE_PROPERTIES = /^(?:class|className|id|role|type|href|src|style|data-[\w-]+)$/;
/** DOM properties that show the string assigned to them. */
const TEXT_DOM_PROPERTIES = new Set(['textContent', 'innerText', 'title', 'placeholder', 'ariaLabel', 'alt']);
/** The inline UI's element helper, h(tag, attributes, ...children) (lib/content/): its children are shown. */
const ELEMENT_HELPER = 'h';

/** Calls whose string arguments are not words: message keys, logging, selectors, event and element names. */
const NOT_TEXT_CALLS = new Set([
  'console',
  't',
  'tn',
  'querySelector',
  'querySelectorAll',
  'closest',
  'matches',
  'addEventListener',
  'removeEventListener',
  'createElement',
  'getAttribute',
  'hasAttribute',
  'removeAttribute',
  'mark',
  'measure',
]);

/**
 * Literals that are words but are not the extension's to translate. Kept tiny; each one says why.
 * (Empty: product and provider names come from lib/model.ts, Datamolino's texts from lib/datamolino/phrases.ts.)
 */
const ALLOWED = new Set<string>();

interface Finding {
  file: string;
  line: number;
  text: string;
}

const hasLetter = (text: string) => /\p{L}/u.test(text);

/** Prose: what a user reads, told from identifiers, keys, classes, selectors and URLs (rule 3 above). */
function looksLikeProse(text: string): boolean {
  const s = text.trim();
  // Code, not prose: a URL, or braces outside the `{}` that stand for a template's holes (CSS, JSON).
  if (!hasLetter(s) || /^[a-z][\w+.-]*:\/\//i.test(s) || /[{}]/.test(s.replaceAll('{}', ''))) return false;
  const tokens = s.split(/\s+/);
  const capitalised = tokens.some((w) => /^\P{L}*\p{Lu}\p{Ll}/u.test(w));
  if (tokens.length >= 2 && capitalised) return true;
  if (/\p{L}\P{L}*[.?!…]$/u.test(s) && !/^[.#[]/.test(s)) return true;
  if (/\p{L}:$/u.test(s) && (tokens.length >= 2 || capitalised)) return true;
  return /(?:^|\s)(?:[\p{L}’']+,?\s+){2}[\p{L}’']+(?:\s|[,.]?$)/u.test(s);
}

const COMPARISONS = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
  ts.SyntaxKind.InKeyword,
]);
const PASS_THROUGH = new Set([
  ts.SyntaxKind.AmpersandAmpersandToken,
  ts.SyntaxKind.BarBarToken,
  ts.SyntaxKind.QuestionQuestionToken,
  ts.SyntaxKind.PlusToken,
]);

const nameOf = (name: ts.Node): string | undefined =>
  ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isPrivateIdentifier(name)
    ? name.text
    : ts.isJsxNamespacedName(name)
      ? `${name.namespace.text}:${name.name.text}`
      : undefined;

function calleeName(call: ts.CallExpression | ts.NewExpression): string | undefined {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee))
    return ts.isIdentifier(callee.expression) && callee.expression.text === 'console' ? 'console' : callee.name.text;
  return undefined;
}

/** Where a literal's value ends up: 'text' (rule 2), 'skip' (not words) or 'other' (rule 3). */
function sink(literal: ts.Node): 'text' | 'skip' | 'other' {
  let node = literal;
  let parent = node.parent;
  // Up through the expressions that hand the value on unchanged (or joined into a longer text).
  while (
    ts.isParenthesizedExpression(parent) ||
    ts.isAsExpression(parent) ||
    ts.isSatisfiesExpression(parent) ||
    ts.isTemplateSpan(parent) ||
    ts.isTemplateExpression(parent) ||
    (ts.isConditionalExpression(parent) && node !== parent.condition) ||
    (ts.isBinaryExpression(parent) && PASS_THROUGH.has(parent.operatorToken.kind)) ||
    (ts.isJsxExpression(parent) && parent.parent && ts.isJsxAttribute(parent.parent))
  ) {
    node = parent;
    parent = node.parent;
  }
  if (ts.isJsxAttribute(parent)) return TEXT_ATTRIBUTES.has(nameOf(parent.name) ?? '') ? 'text' : 'skip';
  if (ts.isJsxExpression(parent)) return 'text';
  // The name of a property, method or enum member: a key, not words.
  if ((parent as { name?: ts.Node }).name === node) return 'skip';
  if (ts.isPropertyAssignment(parent)) {
    const name = nameOf(parent.name) ?? '';
    return TEXT_PROPERTIES.has(name) ? 'text' : CODE_PROPERTIES.test(name) ? 'skip' : 'other';
  }
  if (ts.isBinaryExpression(parent) && COMPARISONS.has(parent.operatorToken.kind)) return 'skip';
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && node === parent.right)
    return ts.isPropertyAccessExpression(parent.left) && TEXT_DOM_PROPERTIES.has(parent.left.name.text)
      ? 'text'
      : 'other';
  if (
    ts.isCallExpression(parent) &&
    calleeName(parent) === ELEMENT_HELPER &&
    parent.arguments.indexOf(node as ts.Expression) >= 2
  )
    return 'text';
  if (ts.isCallExpression(parent) && parent.expression.kind === ts.SyntaxKind.ImportKeyword) return 'skip';
  if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && node !== parent.expression)
    return NOT_TEXT_CALLS.has(calleeName(parent) ?? '') ? 'skip' : 'other';
  const notWords =
    ts.isImportDeclaration(parent) ||
    ts.isExportDeclaration(parent) ||
    ts.isExternalModuleReference(parent) ||
    ts.isLiteralTypeNode(parent) ||
    ts.isCaseClause(parent) ||
    ts.isElementAccessExpression(parent) ||
    ts.isTaggedTemplateExpression(parent);
  return notWords ? 'skip' : 'other';
}

/** A template's words with each `${…}` as `{}`. */
function literalText(node: ts.StringLiteralLike | ts.TemplateExpression): string {
  if (!ts.isTemplateExpression(node)) return node.text;
  return node.head.text + node.templateSpans.map((s) => `{}${s.literal.text}`).join('');
}

/** Every literal in `source` that is words (see the rules above). */
function scan(file: string, source: string): Finding[] {
  const kind = file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, kind);
  const found: Finding[] = [];
  const report = (node: ts.Node, text: string) => {
    const shown = text.replace(/\s+/g, ' ').trim();
    if (ALLOWED.has(shown)) return;
    found.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, text: shown });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isJsxText(node)) {
      if (hasLetter(node.text)) report(node, node.text);
      return;
    }
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) {
      const text = literalText(node);
      const where = sink(node);
      if ((where === 'text' && hasLetter(text)) || (where === 'other' && looksLikeProse(text))) report(node, text);
      // A template's holes may hold words of their own (`${reason ?? 'cancelled.'}`): go on into them.
      if (!ts.isTemplateExpression(node)) return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function sources(dir: string, pattern: RegExp): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const rel = path.join(dir, name);
    if (statSync(path.join(ROOT, rel)).isDirectory()) return sources(rel, pattern);
    return pattern.test(name) ? [rel] : [];
  });
}

/** The popup's and the options page's code. */
const UI_FILES = [
  ...sources('components', /\.tsx?$/),
  ...sources('entrypoints', /^popup.*\.tsx?$/),
  ...sources('entrypoints/popup', /\.tsx?$/),
  ...sources('entrypoints/options', /\.tsx?$/),
];

const scanFiles = (files: string[]) =>
  files
    .flatMap((file) => scan(file, readFileSync(path.join(ROOT, file), 'utf8')))
    .map((f) => `${f.file}:${f.line} ${f.text}`);

describe('the UI has no words of its own, only message keys', () => {
  it('finds words in a sample, and nothing else', () => {
    const sample = `
      import { thing } from './Some Module';
      type Kind = 'Big Deal';
      const LABEL = { fix: 'Fix it now', key: 'local:healthDigest', css: 'summary bad', lower: 'no problems found' };
      export function View({ n, reason }: { n: number; reason?: string }) {
        if (n === 'Not Words') return null;
        switch (reason) { case 'Big Deal': break; }
        el.textContent = 'Close';
        const panel = h('section', { class: 'Panel Box', 'aria-label': 'Fix panel' }, 'Ready', t('ui.close'));
        document.querySelector('.Panel > Button');
        console.warn('Connection Doctor: failed');
        throw new Error(\`Could not read \${n}\`);
        return (
          <section class={n ? 'Big Thing' : 'flow-card ok'} aria-label="Folders by account" data-state="Big Thing">
            Loading…
            <input placeholder="Name or state" type="search" />
            {n ? 'Done' : ''}
            {\`\${n} fixed\`}
            <p role="status">{\`Stopped: \${reason ?? 'cancelled.'}\`}</p>
            <button type="button" onClick={() => setMessage({ ok: true, text: 'Saved.' })}>{t('popup.save')}</button>
          </section>
        );
      }`;
    expect(scan('sample.tsx', sample).map((f) => f.text)).toEqual([
      'Fix it now',
      'no problems found',
      'Close',
      'Fix panel',
      'Ready',
      'Could not read {}',
      'Folders by account',
      'Loading…',
      'Name or state',
      'Done',
      '{} fixed',
      'Stopped: {}',
      'cancelled.',
      'Saved.',
    ]);
  });

  it('tells prose from keys, classes, selectors and URLs', () => {
    for (const words of ['Fix all', 'Saved.', 'Checking…', 'Ready?', 'Not saved:', 'did not load', '{} of {} done.'])
      expect(looksLikeProse(words), words).toBe(true);
    const css = ':host { all: initial } button { font: inherit } button.secondary { color: Red }';
    for (const code of [
      'popup.title',
      'secondary small',
      'local:',
      'text/csv;charset=utf-8',
      'https://x.test/A b.',
      css,
    ])
      expect(looksLikeProse(code), code).toBe(false);
  });

  it('components/ and the popup and options entrypoints', () => {
    expect(scanFiles(UI_FILES)).toEqual([]);
  });

  it('the popup and options pages have no text of their own (their script sets title and language)', () => {
    for (const page of ['entrypoints/popup/index.html', 'entrypoints/options/index.html']) {
      const html = readFileSync(path.join(ROOT, page), 'utf8').replace(/<!--[\s\S]*?-->/g, '');
      expect(html.replace(/<[^>]*>/g, '').trim(), page).toBe('');
    }
  });

  it('lib/content/ (the inline UI on Datamolino’s page)', () => {
    expect(scanFiles(sources('lib/content', /\.ts$/))).toEqual([]);
  });
});

describe('every message key the UI names is in locales/en.yml', () => {
  it('t(), tn() and key-typed maps name existing messages', async () => {
    const messages = await parseMessagesFile(path.join(ROOT, 'locales/en.yml'));
    const keys = new Set(messages.map((m) => m.key.join('.')));
    const used = new Set<string>();
    for (const file of UI_FILES) {
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      for (const [, key] of text.matchAll(/['"`]((?:popup|options|ui)\w*\.[\w.]+)['"`]/g)) used.add(key!);
    }
    expect(used.size).toBeGreaterThan(20);
    const missing = [...used].filter((key) => !keys.has(key) && !keys.has(`${key}_other`));
    expect(missing).toEqual([]);
  });
});
