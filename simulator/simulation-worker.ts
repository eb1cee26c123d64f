/** A worker thread's share of a simulation (simulate.ts): runs its leads and posts the result back. */
import { parentPort, workerData } from 'node:worker_threads';
import { runPartition } from './partition.ts';
import type { WorkerTask } from './simulate.ts';

const task = workerData as WorkerTask;
const result = await runPartition(task.config, task.history, task.definition, task.refs, {
  ...task.options,
  onProgress: () => parentPort?.postMessage({ arrived: true }),
});
parentPort?.postMessage({ result });
