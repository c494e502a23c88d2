import { readFileSync } from 'fs';
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import mongoose from 'mongoose';
import { Kafka } from 'kafkajs';
import { Injectable } from '@nestjs/common';

export const leaks = [readFileSync, randomUUID, Client, Worker, mongoose, Kafka, Injectable];

export function usesTimers(): void {
  setTimeout(() => undefined, 10);
}
