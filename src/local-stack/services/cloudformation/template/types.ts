/** A parsed template, sections defaulted to empty so the engine never checks for their presence. */
export interface Template {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Parameters: Record<string, ParameterDeclaration>;
  Mappings: Record<string, Record<string, Record<string, unknown>>>;
  Conditions: Record<string, unknown>;
  Resources: Record<string, ResourceDeclaration>;
  Outputs: Record<string, OutputDeclaration>;
}

export interface ParameterDeclaration {
  Type: string;
  Default?: unknown;
  Description?: string;
  AllowedValues?: unknown[];
  AllowedPattern?: string;
  MinLength?: number | string;
  MaxLength?: number | string;
  MinValue?: number | string;
  MaxValue?: number | string;
  NoEcho?: boolean | string;
  ConstraintDescription?: string;
}

export interface ResourceDeclaration {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: unknown;
  CreationPolicy?: unknown;
  UpdatePolicy?: unknown;
}

export interface OutputDeclaration {
  Value: unknown;
  Description?: string;
  Condition?: string;
  Export?: { Name: unknown };
}
