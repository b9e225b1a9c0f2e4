/** `npm run test:soak`: the long soak of the example and the long scraper storm (durations from PERFKIT_* env). */
const path = require('node:path');
const root = require('../../jest.config.js');

const e2e = root.projects.find((p) => p.displayName === 'e2e');
module.exports = {
  ...e2e,
  rootDir: path.resolve(__dirname, '..', '..'),
  displayName: 'soak',
  testMatch: ['<rootDir>/test/robustness/soak/**/*.soak.ts', '<rootDir>/test/robustness/scrapeStorm.test.ts', '<rootDir>/test/robustness/soak.test.ts'],
  testTimeout: 900000,
};
