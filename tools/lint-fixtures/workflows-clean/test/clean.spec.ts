import { TestWorkflowEnvironment } from '@temporalio/testing';
import { uniqueName } from '@trellis/testing';
import { waitADay } from '../src';

export const allowedInTests = [TestWorkflowEnvironment, uniqueName, waitADay];
