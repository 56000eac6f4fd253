// Runs a real `odin dev` for the tests: free loopback ports, waits for /health and the banner,
// kill() and start() again on the same ports (a gateway restart). The binary comes from
// ODIN_BIN (ctest passes it) or build/ci/bin/odin.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
export const odinBin = process.env.ODIN_BIN || join(repo, 'build', 'ci', 'bin', 'odin');

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export class OdinDev {
  constructor(env = {}) {
    this.env = env;
    this.child = null;
    this.output = '';
  }

  get wsUrl() {
    return `ws://127.0.0.1:${this.wsPort}/ws`;
  }

  get pageUrl() {
    return `http://127.0.0.1:${this.wsPort}/`;
  }

  async start() {
    if (!existsSync(odinBin)) throw new Error(`no odin binary at ${odinBin}: build the 'odin' target or set ODIN_BIN`);
    this.wsPort ??= await freePort();
    this.httpPort ??= await freePort();
    this.output = '';
    const env = {
      PATH: process.env.PATH, LOG_FORMAT: 'text', LOG_LEVEL: 'warn', SIM_RATE: '100',
      WS_IO_THREADS: '1', WS_ADDR: `127.0.0.1:${this.wsPort}`, PORT: String(this.httpPort), ...this.env,
    };
    const child = spawn(odinBin, ['dev'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout.on('data', (d) => { this.output += d; });
    child.stderr.on('data', (d) => { this.output += d; });
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const deadline = Date.now() + 20000;
    while (!this.output.includes('Ctrl-C stops')) {
      if (child.exitCode !== null) throw new Error(`odin dev exited (${child.exitCode}):\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`odin dev did not start within 20 s:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return this;
  }

  /** SIGKILL (a crash) by default; SIGTERM closes clients with 1001 first. */
  async kill(signal = 'SIGKILL') {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
    await this.exited;
  }
}
