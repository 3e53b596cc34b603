import type { AppConfig } from './config/config.js';

export interface CliContext {
  url: string;
  config: AppConfig;
  flags: Record<string, string>;
}

export interface CliCommand {
  usage: string;
  description: string;
  run(context: CliContext): Promise<void>;
}

/** Feature commands (user:create, …); migrations live in cli.ts. */
export const CLI_COMMANDS: Record<string, CliCommand> = {};
