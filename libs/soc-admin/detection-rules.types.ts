import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType } from '@watchfloor/pagination';
import { JSONScalar } from '@watchfloor/scalars';

export enum RuleKind { SIGMA = 'SIGMA', CORRELATION = 'CORRELATION', BUILTIN = 'BUILTIN' }
export enum RuleImportStatus { IMPORTED = 'IMPORTED', UPDATED = 'UPDATED', UNCHANGED = 'UNCHANGED', REFUSED = 'REFUSED' }
registerEnumType(RuleKind, { name: 'RuleKind', description: 'SIGMA rule, Sigma CORRELATION, or a BUILTIN OT detection.' });
registerEnumType(RuleImportStatus, { name: 'RuleImportStatus' });

const HIDDEN = 'Null for customer roles (detection internals).';

@ObjectType('DetectionRule', { description: 'A detection rule as one tenant (or, globally, the platform) sees it. Customers see id, title, author, level and techniques only.' })
export class DetectionRuleObject {
  @Field(() => ID) id: string;
  @Field() title: string;
  @Field(() => String, { nullable: true, description: 'Always shown: credited as the Sigma licence asks.' }) author: string | null;
  @Field({ description: 'Sigma level: informational, low, medium, high, critical.' }) level: string;
  @Field(() => [String], { description: 'MITRE ATT&CK technique ids from the attack.* tags.' }) techniques: string[];
  @Field(() => String, { nullable: true, description: `The rule's Sigma id (or name). ${HIDDEN}` }) sigmaId: string | null;
  @Field(() => String, { nullable: true, description: `Sigma status (stable, test, experimental, …). ${HIDDEN}` }) status: string | null;
  @Field(() => String, { nullable: true, description: HIDDEN }) description: string | null;
  @Field(() => [String], { nullable: true, description: HIDDEN }) tags: string[] | null;
  @Field(() => [String], { nullable: true, description: HIDDEN }) references: string[] | null;
  @Field(() => [String], { nullable: true, description: HIDDEN }) falsepositives: string[] | null;
  @Field(() => RuleKind, { nullable: true, description: HIDDEN }) kind: RuleKind | null;
  @Field(() => Int, { nullable: true, description: `Bumped by every changed import. ${HIDDEN}` }) version: number | null;
  @Field(() => Boolean, { nullable: true, description: `True for platform-wide rules, false for the tenant's own. ${HIDDEN}` }) global: boolean | null;
  @Field(() => Boolean, { nullable: true, description: `Whether the rule runs for the tenant asked about; null in a global listing. ${HIDDEN}` }) enabled: boolean | null;
  @Field(() => JSONScalar, { nullable: true, description: `Sigma logsource (product, service, category). ${HIDDEN}` }) logsource: Record<string, unknown> | null;
  @Field(() => String, { nullable: true, description: `The stored Sigma YAML. ${HIDDEN}` }) sourceYaml: string | null;
  @Field(() => Date, { nullable: true, description: HIDDEN }) updatedAt: Date | null;
}

export const DetectionRuleConnection = ConnectionType(DetectionRuleObject, 'DetectionRule');

@ObjectType('RuleImportItem', { description: 'The outcome for one YAML document of an import.' })
export class RuleImportItemObject {
  @Field(() => String, { nullable: true, description: "The rule's id (else its name); null when the document has neither." }) sigmaId: string | null;
  @Field(() => String, { nullable: true }) title: string | null;
  @Field(() => RuleKind, { nullable: true }) kind: RuleKind | null;
  @Field(() => RuleImportStatus) status: RuleImportStatus;
  @Field(() => String, { nullable: true, description: 'Why the document was refused.' }) reason: string | null;
  @Field(() => ID, { nullable: true, description: 'The stored rule (not for REFUSED).' }) ruleId: string | null;
  @Field(() => Int, { nullable: true }) version: number | null;
  @Field(() => Int, { description: 'Position of the document in the YAML text, from 0.' }) documentIndex: number;
}

@ObjectType('RuleImportResult')
export class RuleImportResultObject {
  @Field(() => ID, { nullable: true, description: 'Owner tenant; null for global rules.' }) tenantId: string | null;
  @Field(() => Int) imported: number;
  @Field(() => Int) updated: number;
  @Field(() => Int) unchanged: number;
  @Field(() => Int) refused: number;
  @Field(() => [RuleImportItemObject], { description: 'One entry per document, in file order.' }) items: RuleImportItemObject[];
}
