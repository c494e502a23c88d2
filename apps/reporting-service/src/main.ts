import 'reflect-metadata';
import { bootOrExit } from '@trellis/platform-config';
import { listen } from '@trellis/platform-http';
import { createReportingApp } from './app.module';
import { SERVICE_NAME } from './config';

bootOrExit(SERVICE_NAME, async () => {
  const { app, config, logger } = await createReportingApp(process.env);
  await listen(app, config.HOST, config.PORT, logger);
});
