import { TestApp } from './app';

// Starts the app once for every browser test file (or reuses one already running); the files'
// own TestApp.start() then find it up. Stopped by globalTeardown.
export default async function globalSetup() {
  (globalThis as { drTestApp?: TestApp }).drTestApp = await TestApp.start();
}
