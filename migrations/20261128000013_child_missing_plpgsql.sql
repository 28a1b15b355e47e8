-- child_missing() as a SQL function was parsed and planned anew in every query that called it:
-- about 1 ms to show one child's file, most of the file's own query. In PL/pgSQL its plan is
-- kept for the connection, and a plan for one child is the same in every street, so it is
-- made once and reused (0.1 ms). The rules stay in child_file_facts() and child_gaps().
CREATE OR REPLACE FUNCTION child_missing(c child) RETURNS text[]
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    RETURN (SELECT child_gaps(c, f.has_carer, f.has_parent_contact, f.has_consent)
            FROM child_file_facts(c.street_id, c.id) f);
END
$$;
