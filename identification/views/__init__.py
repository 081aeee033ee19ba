"""Pages of identification: findings, rosters and check jobs (checks); applications of the
12345 procedure (procedure); public notices and objections (notices). Thin: the selectors
read, the services change."""
