/** Written by global-setup.js; read by every test file. Keep the two in step. */
export const TEMPLATE_DB = 'puente_template';

export interface HarnessState {
  adminUrl: string;
  dataDir: string;
  /** URL with `__DB__` where the database name goes. */
  databaseUrlFor: string;
}
