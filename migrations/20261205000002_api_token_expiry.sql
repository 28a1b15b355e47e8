-- An access token may be given an expiry: after it, the token opens nothing (as if revoked).
ALTER TABLE api_token ADD COLUMN expires_at timestamptz;
