-- The child list as it opens (every active child of the street, or of a staff member's
-- community; no other filter), in one call with plans kept for the connection.
--
-- As one statement, page, count and facts were planned afresh on every request (connections
-- force custom plans, see db.rs): about a sixth of the database's time on the most opened staff
-- page. A generic plan of that statement is not safe: fitted to the average street, it joins
-- every community to its children and sorts them all, 5,000 in the large demo street. Here each
-- statement is narrowed so that its one sensible plan is the same in every street: the count by
-- the street's index, the communities in name order, each community's children in name order
-- from the index below (a page takes one or two communities; a later page skips whole
-- communities by their counts), then the chosen children by key with what their files lack.
-- Row-level security applies as in any query of the caller (SECURITY INVOKER). Other filters
-- keep their own statements (children::db::list).
CREATE INDEX child_community_name_idx ON child (street_id, community_id, status, name, id);
CREATE FUNCTION child_list_page(p_street uuid, p_community uuid, p_status child_status,
                                p_limit bigint, p_offset bigint)
    RETURNS TABLE (id uuid, name text, gender gender, birth_date date, community_name text, grid_id uuid,
                   school text, grade text, status child_status, risk_level risk_level, verified_on date,
                   missing text[], paired boolean, total bigint)
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_total bigint;
    v_skip bigint := greatest(p_offset, 0);
    v_want bigint := greatest(p_limit, 0);
    v_ids uuid[] := '{}';
    v_names text[] := '{}';
    v_some uuid[];
    v_n bigint;
    v_community record;
BEGIN
    IF p_community IS NULL THEN
        SELECT count(*) INTO v_total FROM child c WHERE c.street_id = p_street AND c.status = p_status;
    ELSE
        SELECT count(*) INTO v_total FROM child c
         WHERE c.street_id = p_street AND c.community_id = p_community AND c.status = p_status;
    END IF;
    FOR v_community IN SELECT x.id, x.name FROM community x
              WHERE x.street_id = p_street AND x.id = coalesce(p_community, x.id)
              ORDER BY x.name, x.id LOOP
        EXIT WHEN v_want = 0 OR v_skip >= v_total;
        IF v_skip > 0 THEN
            SELECT count(*) INTO v_n FROM child c
             WHERE c.street_id = p_street AND c.community_id = v_community.id AND c.status = p_status;
            IF v_n <= v_skip THEN
                v_skip := v_skip - v_n;
                CONTINUE;
            END IF;
        END IF;
        v_some := ARRAY(SELECT c.id FROM child c
                         WHERE c.street_id = p_street AND c.community_id = v_community.id AND c.status = p_status
                         ORDER BY c.name, c.id LIMIT v_want OFFSET v_skip);
        v_ids := v_ids || v_some;
        v_names := v_names || array_fill(v_community.name, ARRAY[cardinality(v_some)]);
        v_want := v_want - cardinality(v_some);
        v_skip := 0;
    END LOOP;
    RETURN QUERY
    SELECT c.id, c.name, c.gender, c.birth_date, v_names[array_position(v_ids, c.id)], c.grid_id, c.school,
           c.grade, c.status, c.risk_level, c.verified_on,
           (SELECT child_gaps(c, f.has_carer, f.has_parent_contact, f.has_consent)
              FROM child_file_facts(c.street_id, c.id) f),
           EXISTS (SELECT 1 FROM pairing p
                    WHERE p.street_id = c.street_id AND p.child_id = c.id AND p.ended_on IS NULL),
           v_total
      FROM child c
     WHERE c.street_id = p_street AND c.id = ANY (v_ids)
     ORDER BY array_position(v_ids, c.id);
END
$$;
