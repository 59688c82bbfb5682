/** The four clouds ares understands; the only cloud-specific fact the model carries. */
export type Cloud = 'aws' | 'gcp' | 'azure' | 'alibaba';
