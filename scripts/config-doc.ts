/**
 * Prints the configuration reference (Markdown table) generated from config/schema.ts, for the README:
 * `npx tsx scripts/config-doc.ts`.
 */
import { configDocMarkdown } from '../config/doc.ts';

process.stdout.write(configDocMarkdown());
