/** The AWS partition of a region, as ARNs name it: aws-cn for China, aws-us-gov for GovCloud. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}
