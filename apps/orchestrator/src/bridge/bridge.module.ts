import { Module } from '@nestjs/common';
import { BridgeConsumer, WorkflowBridge } from './bridge.service';

@Module({ providers: [WorkflowBridge, BridgeConsumer], exports: [WorkflowBridge] })
export class BridgeModule {}
