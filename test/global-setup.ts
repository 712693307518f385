// Filled in by the foundation: finds or starts Postgres and Redis and migrates the template database.
export default async function globalSetup(): Promise<void> {}
