import { readFileSync } from 'node:fs';
import { terraformImporter } from './src/providers/aws/importers/terraform/index.js';
import { compilePolicy } from './src/providers/aws/authorizer/index.js';
const file = process.argv[2] as string;
const text = readFileSync(file, 'utf8');
const estate = terraformImporter.import({ file, text, parsed: JSON.parse(text) }, { account: '111122223333', region: 'eu-west-1', partition: 'aws', params: {} });
const kinds: Record<string, string> = { identity: 'identity', 'permissions-boundary': 'permissions-boundary', resource: 'resource', trust: 'trust', scp: 'scp', rcp: 'rcp' };
for (const p of estate.policies) {
  try { compilePolicy({ id: p.id, document: p.document }, kinds[p.type] as never, p.type); }
  catch (e) { console.log('FAIL', p.id, (e as Error).message); }
}
console.log(JSON.stringify(estate.policies.find(p => p.id.includes('partner'))?.document));
