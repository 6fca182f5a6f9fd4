import { startExpressApp } from './support/test-apps.js';
import { describeIntegration } from './support/integration-cases.js';

describeIntegration('Express', startExpressApp);
