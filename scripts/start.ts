import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** `npm start`: the three built apps as child processes; SIGTERM is passed on and awaited. */
const root = path.resolve(__dirname, '..', '..');
const apps = ['api', 'ingest', 'worker'];
const children: ChildProcess[] = apps.map((app) =>
  spawn(process.execPath, ['-r', path.join(root, 'dist/apps', app, 'instrument.js'), path.join(root, 'dist/apps', app, 'main.js')], { stdio: 'inherit', env: process.env }),
);
let stopping = false;
for (const child of children) {
  child.on('exit', (code) => {
    if (!stopping) {
      stopping = true;
      console.error(`start: an app exited with code ${code}; stopping the others`);
      for (const other of children) other.kill('SIGTERM');
      process.exitCode = code ?? 1;
    }
  });
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    stopping = true;
    for (const child of children) child.kill('SIGTERM');
  });
}
