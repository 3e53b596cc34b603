import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { AppModule } from './app.module.js';
import { MIN_PASSWORD_LENGTH, generatePassword } from './auth/password.js';
import { USER_ROLES, type UserRole } from './auth/user.entity.js';
import { UsersService } from './auth/users.service.js';
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

export class UsageError extends Error {}

export function requireFlag(flags: Record<string, string>, name: string): string {
  const v = flags[name];
  if (!v) throw new UsageError(`--${name} is required`);
  return v;
}

/** The same services the API uses, without HTTP and without the reminder worker. */
async function withApp<T>(ctx: CliContext, work: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const config = { ...ctx.config, remindersEnabled: false };
  const app = await NestFactory.createApplicationContext(
    AppModule.register({ config, databaseUrl: ctx.url }),
    {
      logger: ['error'],
    },
  );
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

function passwordFrom(flags: Record<string, string>): { password: string; generated: boolean } {
  if (flags.password) {
    if (flags.password.length < MIN_PASSWORD_LENGTH) {
      throw new UsageError(`--password must be at least ${MIN_PASSWORD_LENGTH} characters`);
    }
    return { password: flags.password, generated: false };
  }
  return { password: generatePassword(), generated: true };
}

/** Feature commands; migrations live in cli.ts. */
export const CLI_COMMANDS: Record<string, CliCommand> = {
  'user:create': {
    usage: 'user:create --email maria@example.org --role organizer [--name "María López"] [--password …]',
    description: 'create a staff account (the password is generated and printed when not given)',
    run: async (ctx) => {
      const email = requireFlag(ctx.flags, 'email');
      const role = requireFlag(ctx.flags, 'role') as UserRole;
      if (!USER_ROLES.includes(role)) throw new UsageError(`--role must be one of ${USER_ROLES.join(', ')}`);
      const { password, generated } = passwordFrom(ctx.flags);
      const user = await withApp(ctx, (app) =>
        app.get(UsersService).create({ email, role, password, name: ctx.flags.name || email.split('@')[0] }),
      );
      console.log(`created ${user.role} ${user.email} (${user.id})`);
      if (generated) console.log(`password: ${password}`);
    },
  },
  'user:reset-password': {
    usage: 'user:reset-password --email maria@example.org [--password …]',
    description: 'set a new password (generated and printed when not given)',
    run: async (ctx) => {
      const email = requireFlag(ctx.flags, 'email');
      const { password, generated } = passwordFrom(ctx.flags);
      await withApp(ctx, (app) => app.get(UsersService).setPassword(email, password));
      console.log(`password changed for ${email}`);
      if (generated) console.log(`password: ${password}`);
    },
  },
};
