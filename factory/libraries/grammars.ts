/** The ecosystems a spec can name, by installer. */

import type { LibraryInstaller } from '../catalogue';
import { aptGrammar } from './apt-grammar';
import { composerGrammar } from './composer-grammar';
import type { EcosystemGrammar } from './ecosystem-grammar';
import { gemGrammar } from './gem-grammar';
import { npmGrammar } from './npm-grammar';
import { pipGrammar } from './pip-grammar';

export const GRAMMARS: Readonly<Record<Exclude<LibraryInstaller, 'none'>, EcosystemGrammar>> = {
  npm: npmGrammar,
  pip: pipGrammar,
  gem: gemGrammar,
  composer: composerGrammar,
  apt: aptGrammar,
};
