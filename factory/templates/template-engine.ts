/**
 * The Handlebars instance the Dockerfiles are rendered with: its own (not the global one), no HTML
 * escaping (these are Dockerfiles, not pages), strict (a missing field throws instead of rendering
 * an empty string into a build), and helpers for quoting. Templates are read and compiled once.
 */
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { dockerfileString, shellQuote } from './shell-quote';

export const TEMPLATE_DIRECTORY = path.join(__dirname, 'files');

export type TemplateName =
  | 'base.Dockerfile'
  | 'runtime.Dockerfile'
  | 'runtime-upstream.Dockerfile'
  | 'exercise.Dockerfile'
  | 'nuclio.Dockerfile'
  | 'nuclio-handler.sh'
  | 'api.Dockerfile';

let engine: typeof Handlebars | undefined;
const compiled = new Map<TemplateName, Handlebars.TemplateDelegate>();

function createEngine(): typeof Handlebars {
  const hbs = Handlebars.create();
  hbs.registerHelper('sh', (value: unknown) => shellQuote(String(value)));
  hbs.registerHelper('label', (value: unknown) => dockerfileString(String(value)));
  hbs.registerHelper('json', (value: unknown) => JSON.stringify(value));
  for (const file of fs.readdirSync(TEMPLATE_DIRECTORY).sort()) {
    const text = fs.readFileSync(path.join(TEMPLATE_DIRECTORY, file), 'utf8');
    // `name.inline.hbs` is used in the middle of a line (`RUN {{> apt-install}}`): no final newline.
    // `name.partial.hbs` stands on its own line and keeps it.
    const inline = /^(.+)\.inline\.hbs$/.exec(file);
    const standalone = /^(.+)\.partial\.hbs$/.exec(file);
    if (inline?.[1]) hbs.registerPartial(inline[1], text.replace(/\n$/, ''));
    else if (standalone?.[1]) hbs.registerPartial(standalone[1], text);
  }
  return hbs;
}

export function renderTemplate(name: TemplateName, model: object): string {
  engine ??= createEngine();
  let template = compiled.get(name);
  if (!template) {
    const text = fs.readFileSync(path.join(TEMPLATE_DIRECTORY, `${name}.hbs`), 'utf8');
    template = engine.compile(text, { noEscape: true, strict: true });
    compiled.set(name, template);
  }
  // Blank-line runs left by optional sections are squeezed, so the golden files stay readable.
  return template(model).replace(/\n{3,}/g, '\n\n');
}
