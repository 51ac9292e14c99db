const STORED_ID = /^[0-9a-f]{32}$/;

/**
 * True when `id` can name a stored collaboration or session: 32 lowercase hex characters (what
 * newId() makes). Any other ID cannot exist, so it is NOT_FOUND without asking the database. This
 * also keeps PostgreSQL's char(32) comparison (which ignores trailing spaces) from matching
 * "<id> " to "<id>".
 */
export function isStoredId(id: string): boolean {
  return STORED_ID.test(id);
}
