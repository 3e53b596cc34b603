import base from './jest.base.config.js';

export default {
  ...base,
  displayName: 'unit',
  roots: ['<rootDir>/src', '<rootDir>/migrations'],
  testMatch: ['**/*.spec.ts'],
};
