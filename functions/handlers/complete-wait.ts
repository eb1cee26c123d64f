// Placeholder: the real handler is being written; kept so the stack can bundle an entry.
export const handler = async (): Promise<void> => {};
