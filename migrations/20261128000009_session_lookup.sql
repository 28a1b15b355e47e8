-- The session behind a request cookie in one round trip (it runs on every request).
--
-- Before, each request opened a transaction for the lookup: BEGIN, the tenant settings, the
-- query, maybe the touch, COMMIT, each a round trip and each query planned afresh (connections
-- force custom plans; see db.rs). Under load that was a large share of the database's CPU.
--
-- The function keeps the same rules: it is SECURITY INVOKER, drops to the app role and sets the
-- street for the rest of its statement exactly as db::begin does, so row-level security applies
-- as in any request; a forged street id finds no hash. Its statements are keyed by unique
-- indexes, so a generic plan is right for every tenant, and the function allows one.
CREATE FUNCTION session_lookup(p_street uuid, p_hash bytea, p_idle_seconds double precision,
                               p_absolute_seconds double precision, p_touch_seconds double precision)
    RETURNS TABLE (id uuid, user_id uuid, csrf_token text, role user_role, community_id uuid,
                   volunteer_id uuid, display_name text, login text, locale text,
                   must_change_password boolean, must_enrol_totp boolean)
    LANGUAGE plpgsql
    SET plan_cache_mode = auto
    AS $$
DECLARE
    r record;
BEGIN
    PERFORM set_config('role', 'shouhu_app', true), set_config('app.street_id', p_street::text, true),
            set_config('app.user_id', '', true);
    SELECT s.id, s.user_id, s.csrf_token, s.created_at, s.last_seen_at, u.role, u.community_id,
           u.volunteer_id, u.display_name, u.login, u.locale, u.must_change_password, u.disabled_at,
           st.totp_required AND u.role <> 'volunteer' AND u.totp_enabled_at IS NULL AS must_enrol_totp
      INTO r
      FROM session s
      JOIN app_user u ON u.street_id = s.street_id AND u.id = s.user_id
      JOIN street st ON st.id = s.street_id
     WHERE s.street_id = p_street AND s.token_hash = p_hash AND NOT s.second_factor_pending;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF r.disabled_at IS NOT NULL
       OR now() - r.last_seen_at > p_idle_seconds * interval '1 second'
       OR now() - r.created_at > p_absolute_seconds * interval '1 second' THEN
        DELETE FROM session s WHERE s.street_id = p_street AND s.id = r.id;
        RETURN;
    END IF;
    IF now() - r.last_seen_at > p_touch_seconds * interval '1 second' THEN
        UPDATE session s SET last_seen_at = now() WHERE s.street_id = p_street AND s.id = r.id;
    END IF;
    RETURN QUERY SELECT r.id, r.user_id, r.csrf_token, r.role, r.community_id, r.volunteer_id,
                        r.display_name, r.login, r.locale, r.must_change_password, r.must_enrol_totp;
END
$$;
