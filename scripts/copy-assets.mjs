// tsc compiles only .ts: copy the web templates and static files next to the compiled web module.
import { cpSync } from 'node:fs';

for (const dir of ['views', 'public']) {
  cpSync(`src/web/${dir}`, `dist/src/web/${dir}`, { recursive: true });
}
