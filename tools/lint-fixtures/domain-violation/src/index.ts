import mongoose from 'mongoose';
import { Kafka } from 'kafkajs';
import { uniqueName } from '@trellis/testing';

export const leaks = [mongoose, Kafka, uniqueName];
