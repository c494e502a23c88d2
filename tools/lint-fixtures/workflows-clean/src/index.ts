import { sleep } from '@temporalio/workflow';

export async function waitADay(): Promise<void> {
  await sleep('1 day');
}
