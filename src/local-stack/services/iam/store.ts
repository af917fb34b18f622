import type { StateStore } from '../../state.js';
import { parsePolicyDocument, type PolicyDocument } from '../../identity/policy.js';

export interface Tag {
  Key: string;
  Value: string;
}

export interface RoleRecord {
  RoleName: string;
  RoleId: string;
  Arn: string;
  Path: string;
  CreateDate: Date;
  /** The trust policy as the caller sent it (JSON text). */
  AssumeRolePolicyDocument: string;
  Description?: string;
  MaxSessionDuration: number;
  Tags: Tag[];
  /** Inline policies: name → JSON text. */
  inlinePolicies: Record<string, string>;
  /** ARNs of the attached managed policies, in attachment order. */
  attachedPolicies: string[];
}

export interface ManagedPolicyRecord {
  PolicyName: string;
  PolicyId: string;
  Arn: string;
  Path: string;
  Description?: string;
  CreateDate: Date;
  UpdateDate: Date;
  Tags: Tag[];
  /** The default (only) version's document, JSON text. */
  document: string;
}

export interface OidcProviderRecord {
  Arn: string;
  /** The issuer URL without its scheme, as IAM stores it: `token.actions.githubusercontent.com`. */
  Url: string;
  ClientIDList: string[];
  ThumbprintList: string[];
  CreateDate: Date;
  Tags: Tag[];
}

interface AccountIam {
  /** Keyed by the lower-cased name: IAM names are unique regardless of case. */
  roles: Record<string, RoleRecord>;
  policies: Record<string, ManagedPolicyRecord>;
  oidcProviders: Record<string, OidcProviderRecord>;
}

interface IamDocument {
  accounts: Record<string, AccountIam>;
}

/** AWS managed policies the stack knows the effect of; any other `arn:aws:iam::aws:policy/…` grants nothing. */
const AWS_MANAGED_DOCUMENTS: Record<string, string> = {
  AdministratorAccess: JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }]
  })
};

/** IAM's state for every account of the stack (IAM is global: no region in its keys). */
export class IamStore {
  private static readonly DOCUMENT = 'iam';

  constructor(private readonly state: StateStore) {}

  account(accountId: string): AccountIam {
    const accounts = this.document().accounts;
    return (accounts[accountId] ??= { roles: {}, policies: {}, oidcProviders: {} });
  }

  role(accountId: string, name: string): RoleRecord | undefined {
    return this.document().accounts[accountId]?.roles[name.toLowerCase()];
  }

  /** The role an ARN names (`arn:aws:iam::ACCOUNT:role/path/NAME`), when it exists. */
  roleByArn(arn: string): RoleRecord | undefined {
    const match = /^arn:[\w-]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn);
    return match ? this.role(match[1] as string, match[2] as string) : undefined;
  }

  /** Whether a managed policy ARN exists: the account's own, or one of AWS's (`iam::aws:policy/…`). */
  policyExists(arn: string): boolean {
    return isAwsManaged(arn) || this.policyByArn(arn) !== undefined;
  }

  policyByArn(arn: string): ManagedPolicyRecord | undefined {
    const account = /^arn:[\w-]+:iam::(\d{12}):policy\//.exec(arn)?.[1];
    return account ? this.document().accounts[account]?.policies[arn] : undefined;
  }

  /** How many roles of the account have the policy attached. */
  attachmentCount(accountId: string, arn: string): number {
    return Object.values(this.account(accountId).roles).filter((role) => role.attachedPolicies.includes(arn))
      .length;
  }

  oidcProviderByUrl(accountId: string, url: string): OidcProviderRecord | undefined {
    const bare = url.replace(/^https:\/\//, '').replace(/\/$/, '');
    return Object.values(this.document().accounts[accountId]?.oidcProviders ?? {}).find(
      (provider) => provider.Url === bare
    );
  }

  /** A role's identity policies, inline then attached, parsed for evaluation. */
  identityPolicies(role: RoleRecord): PolicyDocument[] {
    const texts = [
      ...Object.values(role.inlinePolicies),
      ...role.attachedPolicies.flatMap((arn) => {
        const text = isAwsManaged(arn)
          ? AWS_MANAGED_DOCUMENTS[arn.slice(arn.lastIndexOf('/') + 1)]
          : this.policyByArn(arn)?.document;
        return text === undefined ? [] : [text];
      })
    ];
    return texts.map((text) => parsePolicyDocument(text, 'identity'));
  }

  save(): void {
    this.state.save(IamStore.DOCUMENT);
  }

  private document(): IamDocument {
    return this.state.document<IamDocument>(IamStore.DOCUMENT, () => ({ accounts: {} }));
  }
}

export function isAwsManaged(arn: string): boolean {
  return /^arn:[\w-]+:iam::aws:policy\//.test(arn);
}
