import { TestApp } from './app';

export default async function globalTeardown() {
  await (globalThis as { drTestApp?: TestApp }).drTestApp?.stop();
}
