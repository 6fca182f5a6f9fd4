import { startKoaApp } from './support/test-apps.js';
import { describeIntegration } from './support/integration-cases.js';

describeIntegration('Koa', startKoaApp);
