-- The schema the migrations in migrations/ make, as pg_dump prints it.
-- Written by scripts/schema.sh: do not edit; a test compares it with a migrated database.

--
-- PostgreSQL database dump
--

--
-- Name: activity_kind; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.activity_kind AS ENUM (
    'launch_ceremony',
    'forum',
    'themed_day',
    'legal_safety_lecture',
    'counselling',
    'tutoring_class',
    'festival_event',
    'family_letter_day',
    'parent_child_event',
    'summer_training',
    'condolence_visit',
    'other'
);

--
-- Name: activity_status; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.activity_status AS ENUM (
    'planned',
    'held',
    'cancelled'
);

--
-- Name: aid_kind; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.aid_kind AS ENUM (
    'tuition',
    'school_supplies',
    'goods',
    'cash',
    'other'
);

--
-- Name: care_situation; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.care_situation AS ENUM (
    'grandparents',
    'relatives',
    'self_care',
    'no_guardian'
);

--
-- Name: child_status; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.child_status AS ENUM (
    'active',
    'parents_returned',
    'aged_out',
    'moved_away',
    'other'
);

--
-- Name: consent_method; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.consent_method AS ENUM (
    'written',
    'electronic',
    'verbal_witnessed'
);

--
-- Name: consent_scope; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.consent_scope AS ENUM (
    'file',
    'health',
    'disability',
    'psychological'
);

--
-- Name: duty; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.duty AS ENUM (
    'home_visit',
    'talk',
    'teacher_contact',
    'guardian_contact',
    'letter'
);

--
-- Name: follow_up_status; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.follow_up_status AS ENUM (
    'open',
    'done'
);

--
-- Name: gender; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.gender AS ENUM (
    'male',
    'female'
);

--
-- Name: guardian_relation; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.guardian_relation AS ENUM (
    'father',
    'mother',
    'paternal_grandfather',
    'paternal_grandmother',
    'maternal_grandfather',
    'maternal_grandmother',
    'uncle',
    'aunt',
    'sibling',
    'other_relative',
    'other'
);

--
-- Name: left_behind_kind; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.left_behind_kind AS ENUM (
    'both_parents_away',
    'father_away',
    'mother_away'
);

--
-- Name: report_status; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.report_status AS ENUM (
    'draft',
    'submitted',
    'returned',
    'approved'
);

--
-- Name: risk_level; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.risk_level AS ENUM (
    'low',
    'medium',
    'high'
);

--
-- Name: token_access; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.token_access AS ENUM (
    'read',
    'read_write'
);

--
-- Name: user_role; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.user_role AS ENUM (
    'street_admin',
    'community_staff',
    'volunteer'
);

--
-- Name: visit_kind; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.visit_kind AS ENUM (
    'home_visit',
    'talk',
    'teacher_contact',
    'guardian_contact',
    'letter',
    'parent_call',
    'tutoring',
    'aid_delivery'
);

--
-- Name: volunteer_kind; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.volunteer_kind AS ENUM (
    'caring_mother',
    'proxy_parent',
    'teacher',
    'party_member',
    'retired_cadre',
    'student',
    'youth_volunteer'
);

--
-- Name: volunteer_status; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.volunteer_status AS ENUM (
    'active',
    'paused',
    'left'
);

--
-- Name: app_street(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_street() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('app.street_id', true), '')::uuid $$;

--
-- Name: app_user(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_user() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;

--
-- Name: applied_migrations(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.applied_migrations() RETURNS SETOF bigint
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public'
    AS $$ SELECT version FROM _sqlx_migrations WHERE success $$;

--
-- Name: audit_append(text, text, uuid, text, jsonb); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.audit_append(p_action text, p_entity text, p_entity_id uuid, p_ip text, p_detail jsonb) RETURNS uuid
    LANGUAGE plpgsql
    SET plan_cache_mode TO 'auto'
    AS $$
DECLARE
    v_street uuid := app_street();
    v_prev audit_event;
    v_row audit_event;
BEGIN
    IF v_street IS NULL THEN
        RAISE EXCEPTION 'audit_append: no tenant set';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('audit:' || v_street::text, 0));
    SELECT * INTO v_prev FROM audit_event WHERE street_id = v_street ORDER BY seq DESC LIMIT 1;
    v_row.street_id := v_street;
    v_row.id := gen_random_uuid();
    v_row.seq := coalesce(v_prev.seq, 0) + 1;
    v_row.at := clock_timestamp();
    v_row.user_id := app_user();
    v_row.action := p_action;
    v_row.entity := coalesce(p_entity, '');
    v_row.entity_id := p_entity_id;
    v_row.ip := coalesce(p_ip, '');
    v_row.detail := coalesce(p_detail, '{}'::jsonb);
    v_row.prev_hash := coalesce(v_prev.hash, '\x'::bytea);
    v_row.hash := audit_hash(v_row);
    INSERT INTO audit_event VALUES (v_row.*);
    RETURN v_row.id;
END
$$;

--
-- Name: audit_first_broken(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.audit_first_broken() RETURNS TABLE(seq bigint, id uuid, at timestamp with time zone, action text, reason text)
    LANGUAGE sql STABLE
    AS $$
    SELECT c.seq, c.id, c.at, c.action,
           CASE WHEN c.hash <> c.recomputed THEN 'content'
                WHEN c.seq <> coalesce(c.prev_seq, 0) + 1 THEN 'missing_before'
                ELSE 'previous_hash' END
    FROM (
        SELECT e.seq, e.id, e.at, e.action, e.hash, audit_hash(e) AS recomputed, e.prev_hash,
               coalesce(lag(e.hash) OVER (ORDER BY e.seq), '\x'::bytea) AS expected_prev,
               lag(e.seq) OVER (ORDER BY e.seq) AS prev_seq
        FROM audit_event e WHERE e.street_id = app_street()
    ) c
    WHERE c.hash <> c.recomputed OR c.prev_hash <> c.expected_prev
       OR c.seq <> coalesce(c.prev_seq, 0) + 1
    ORDER BY c.seq LIMIT 1
    $$;

--
-- Name: audit_event; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_event (
    street_id uuid NOT NULL,
    id uuid NOT NULL,
    seq bigint NOT NULL,
    at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    user_id uuid,
    action text NOT NULL,
    entity text DEFAULT ''::text NOT NULL,
    entity_id uuid,
    ip text DEFAULT ''::text NOT NULL,
    detail jsonb DEFAULT '{}'::jsonb NOT NULL,
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL
);

ALTER TABLE ONLY public.audit_event FORCE ROW LEVEL SECURITY;

--
-- Name: audit_hash(public.audit_event); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.audit_hash(e public.audit_event) RETURNS bytea
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT sha256(convert_to(concat_ws('|',
        e.street_id::text, e.seq::text, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
        coalesce(e.user_id::text, ''), e.action, e.entity, coalesce(e.entity_id::text, ''),
        e.ip, e.detail::text, encode(e.prev_hash, 'hex')), 'UTF8'))
    $$;

--
-- Name: audit_verify(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.audit_verify() RETURNS bigint
    LANGUAGE sql STABLE
    AS $$
    SELECT min(seq) FROM (
        SELECT e.seq, e.hash, audit_hash(e) AS recomputed, e.prev_hash,
               coalesce(lag(e.hash) OVER (ORDER BY e.seq), '\x'::bytea) AS expected_prev
        FROM audit_event e WHERE e.street_id = app_street()
    ) c WHERE c.hash <> c.recomputed OR c.prev_hash <> c.expected_prev
    $$;

--
-- Name: auth_user_by_login(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.auth_user_by_login(p_login text) RETURNS TABLE(street_id uuid, user_id uuid, password_hash text, disabled boolean, locked_until timestamp with time zone, fail_window_start timestamp with time zone, fail_window_count integer)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
    SELECT u.street_id, u.id, u.password_hash, u.disabled_at IS NOT NULL, u.locked_until,
           u.fail_window_start, u.fail_window_count
    FROM app_user u WHERE u.login = lower(btrim(p_login))
    $$;

--
-- Name: child_file_facts(uuid, uuid); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.child_file_facts(p_street uuid, p_child uuid) RETURNS TABLE(has_carer boolean, has_parent_contact boolean, has_consent boolean)
    LANGUAGE sql STABLE ROWS 1
    AS $$
    SELECT bool_or(f.has_carer), bool_or(f.has_parent_contact), bool_or(f.has_consent)
      FROM child_file_fact f
     WHERE f.street_id = p_street AND f.child_id = p_child
    $$;

--
-- Name: child; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.child (
    street_id uuid NOT NULL,
    id uuid NOT NULL,
    community_id uuid NOT NULL,
    grid_id uuid,
    name text NOT NULL,
    name_initials text DEFAULT ''::text NOT NULL,
    gender public.gender NOT NULL,
    birth_date date NOT NULL,
    id_number_enc bytea,
    id_number_hash bytea,
    address text DEFAULT ''::text NOT NULL,
    school text DEFAULT ''::text NOT NULL,
    grade text DEFAULT ''::text NOT NULL,
    class_name text DEFAULT ''::text NOT NULL,
    class_teacher text DEFAULT ''::text NOT NULL,
    class_teacher_phone text DEFAULT ''::text NOT NULL,
    left_behind public.left_behind_kind NOT NULL,
    parents_work_place text DEFAULT ''::text NOT NULL,
    parents_return_frequency text DEFAULT ''::text NOT NULL,
    care_situation public.care_situation NOT NULL,
    disability boolean DEFAULT false NOT NULL,
    subsistence_allowance boolean DEFAULT false NOT NULL,
    poverty boolean DEFAULT false NOT NULL,
    health_condition text DEFAULT ''::text NOT NULL,
    psychological_concern boolean DEFAULT false NOT NULL,
    risk_level public.risk_level DEFAULT 'low'::public.risk_level NOT NULL,
    status public.child_status DEFAULT 'active'::public.child_status NOT NULL,
    status_changed_on date,
    status_reason text DEFAULT ''::text NOT NULL,
    verified_on date,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    id_number_masked text DEFAULT ''::text NOT NULL,
    disability_note text DEFAULT ''::text NOT NULL,
    psychological_note text DEFAULT ''::text NOT NULL,
    created_by uuid,
    updated_by uuid,
    anonymised_at timestamp with time zone,
    CONSTRAINT child_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 50)))
);

ALTER TABLE ONLY public.child FORCE ROW LEVEL SECURITY;

--
-- Name: child_gaps(public.child, boolean, boolean, boolean); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.child_gaps(c public.child, has_carer boolean, has_parent_contact boolean, has_consent boolean) RETURNS text[]
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT array_remove(ARRAY[
        CASE WHEN c.id_number_hash IS NULL THEN 'id_number' END,
        CASE WHEN btrim(c.address) = '' THEN 'address' END,
        CASE WHEN btrim(c.school) = '' THEN 'school' END,
        CASE WHEN btrim(c.grade) = '' THEN 'grade' END,
        CASE WHEN btrim(c.parents_work_place) = '' THEN 'parents_work_place' END,
        CASE WHEN has_carer IS NOT TRUE THEN 'guardian' END,
        CASE WHEN has_parent_contact IS NOT TRUE THEN 'parent_contact' END,
        CASE WHEN has_consent IS NOT TRUE THEN 'consent' END
    ]::text[], NULL)
    $$;

--
-- Name: child_list_facts(uuid, uuid[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.child_list_facts(p_street uuid, p_ids uuid[]) RETURNS TABLE(id uuid, missing text[], paired boolean)
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
BEGIN
    RETURN QUERY
    SELECT c.id,
           (SELECT child_gaps(c, f.has_carer, f.has_parent_contact, f.has_consent)
            FROM child_file_facts(c.street_id, c.id) f),
           EXISTS (SELECT 1 FROM pairing p
                   WHERE p.street_id = c.street_id AND p.child_id = c.id AND p.ended_on IS NULL)
      FROM child c
     WHERE c.street_id = p_street AND c.id = ANY (p_ids);
END
$$;

--
-- Name: child_list_page(uuid, uuid, public.child_status, bigint, bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.child_list_page(p_street uuid, p_community uuid, p_status public.child_status, p_limit bigint, p_offset bigint) RETURNS TABLE(id uuid, name text, gender public.gender, birth_date date, community_name text, grid_id uuid, school text, grade text, status public.child_status, risk_level public.risk_level, verified_on date, missing text[], paired boolean, total bigint)
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode TO 'force_generic_plan'
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

--
-- Name: child_missing(public.child); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.child_missing(c public.child) RETURNS text[]
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
BEGIN
    RETURN (SELECT child_gaps(c, f.has_carer, f.has_parent_contact, f.has_consent)
            FROM child_file_facts(c.street_id, c.id) f);
END
$$;

--
-- Name: session_lookup(uuid, bytea, double precision, double precision, double precision); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.session_lookup(p_street uuid, p_hash bytea, p_idle_seconds double precision, p_absolute_seconds double precision, p_touch_seconds double precision) RETURNS TABLE(id uuid, user_id uuid, csrf_token text, role public.user_role, community_id uuid, volunteer_id uuid, display_name text, login text, locale text, must_change_password boolean, must_enrol_totp boolean)
    LANGUAGE plpgsql
    SET plan_cache_mode TO 'auto'
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

--
-- Name: activity; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.activity (
    street_id uuid NOT NULL,
    id uuid NOT NULL,
    community_id uuid,
    kind public.activity_kind NOT NULL,
    title text NOT NULL,
    starts_at timestamp with time zone NOT NULL,
    ends_at timestamp with time zone NOT NULL,
    place text DEFAULT ''::text NOT NULL,
    capacity integer,
    for_children boolean DEFAULT true NOT NULL,
    for_guardians boolean DEFAULT false NOT NULL,
    for_volunteers boolean DEFAULT false NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    summary text DEFAULT ''::text NOT NULL,
    status public.activity_status DEFAULT 'planned'::public.activity_status NOT NULL,
    created_by uuid NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT activity_capacity_check CHECK ((capacity > 0)),
    CONSTRAINT activity_check CHECK ((ends_at >= starts_at)),
    CONSTRAINT activity_title_check CHECK (((length(btrim(title)) >= 1) AND (length(btrim(title)) <= 100)))
);

ALTER TABLE ONLY public.activity FORCE ROW LEVEL SECURITY;

--
-- Name: activity_photo; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.activity_photo (
    street_id uuid NOT NULL,
    id uuid NOT NULL,
    activity_id uuid NOT NULL,
    width integer NOT NULL,
    height integer NOT NULL,
    byte_size integer NOT NULL,
    uploaded_by uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY public.activity_photo FORCE ROW LEVEL SECURITY;

--
-- Name: aid; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.aid (
    street_id uuid NOT NULL,
    id uuid NOT NULL,
    child_id uuid NOT NULL,
    activity_id uuid,
    kind public.aid_kind NOT NULL,
    given_on date NOT NULL,
    amount_fen bigint DEFAULT 0 NOT NULL,
    donor text DEFAULT ''::text NOT NULL,
    note text DEFAULT ''::text NOT NULL,
    recorded_by uuid NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT aid_amount_fen_check CHECK ((amount_fen >= 0))
);

ALTER TABLE ONLY public.aid FORCE ROW LEVEL SECURITY;

--
-- Name: api_token; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.api_token (
    street_id uuid NOT NULL,
    id uuid NOT NULL,
    name text NOT NULL,
    token_hash bytea NOT NULL,
    access public.token_access NOT NULL,
    created_by uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    last_used_at timestamp with time zone,
    revoked_at timestamp with time zone,
    expires_at timestamp with time zone,
    CONSTRAINT api_token_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 100)))
);

ALTER TABLE ONLY public.api_token FORCE ROW LEVEL SECURITY;

--
-- Name: app_user; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.app_user (
    street_id uuid NOT NULL,
    id uuid NOT NULL,
    login text NOT NULL,
    display_name text NOT NULL,
    role public.user_role NOT NULL,
    community_id uuid,
    volunteer_id uuid,
    password_hash text NOT NULL,
    must_change_password boolean DEFAULT true NOT NULL,
    disabled_at timestamp with time zone,
    locale text,
    failed_logins integer DEFAULT 0 NOT NULL,
    locked_until timestamp with time zone,
    fail_window_start timestamp with time zone,
    fail_window_count integer DEFAULT 0 NOT NULL,
    last_login_at timestamp with time zone,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    totp_secret_enc bytea,
    totp_pending_enc bytea,
    totp_enabled_at timestamp with time zone,
    totp_last_step bigint DEFAULT 0 NOT NULL,
    CONSTRAINT app_user_admin_no_community CHECK (((role <> 'street_admin'::public.user_role) OR (community_id IS NULL))),
    CONSTRAINT app_user_display_name_check CHECK (((length(btrim(display_name)) >= 1) AND (length(btrim(display_name)) <= 50))),
    CONSTRAINT app_user_locale_check CHECK ((locale = ANY (ARRAY['zh'::text, 'en'::text]))),
    CONSTRAINT app_user_login_check CHECK (((login = lower(login)) AND ((length(login) >= 3) AND (length(login) <= 254)))),
    CONSTRAINT app_user_staff_community CHECK (((role <> 'community_staff'::public.user_role) OR (community_id IS NOT NULL))),
    CONSTRAINT app_user_volunteer_record CHECK (((role = 'volunteer'::public.user_role) = (volunteer_id IS NOT NULL)))
);

ALTER TABLE ONLY public.app_user FORCE ROW LEVEL SECURITY;

--
-- Name: attendance; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.attendance (
    street_id uuid NOT NULL,
    id uuid NOT NULL,
    activity_id uuid NOT NULL,
    child_id uuid,
    volunteer_id uuid,
    recorded_by uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT attendance_check CHECK (((child_id IS NULL) <> (volunteer_id IS NULL)))
);

ALTER TABLE ONLY public.attendance FORCE ROW LEVEL SECURITY;

--
-- Name: consent; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.consent (
    street_id uuid NOT NULL,
    id uuid NOT NULL,
    child_id uuid NOT NULL,
    scope public.consent_scope NOT NULL,
    given_by text NOT NULL,
    relation public.guardian_relation NOT NULL,
    given_on date NOT NULL,
    method public.consent_method NOT NULL,
    notice_version text NOT NULL,
    withdrawn_on date,
    withdrawn_reason text DEFAULT ''::text NOT NULL,
    recorded_by uuid,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT consent_given_by_check CHECK (((length(btrim(given_by)) >= 1) AND (length(btrim(given_by)) <= 50)))
);

ALTER TABLE ONLY public.consent FORCE ROW LEVEL SECURITY;

--
-- Name: guardian; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.guardian (
    street_id uuid NOT NULL,
    id uuid NOT NULL,
    child_id uuid NOT NULL,
    name text NOT NULL,
    relation public.guardian_relation NOT NULL,
    phone text DEFAULT ''::text NOT NULL,
    address text DEFAULT ''::text NOT NULL,
    is_parent_away boolean DEFAULT false NOT NULL,
    work_place text DEFAULT ''::text NOT NULL,
    family_phone text DEFAULT ''::text NOT NULL,
    return_frequency text DEFAULT ''::text NOT NULL,
    is_entrusted boolean DEFAULT false NOT NULL,
    agreement_signed_on date,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_by uuid,
    CONSTRAINT guardian_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 50)))
);

ALTER TABLE ONLY public.guardian FORCE ROW LEVEL SECURITY;

--
-- Name: child_file_fact; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.child_file_fact WITH (security_invoker='true') AS
 SELECT facts.street_id,
    facts.child_id,
    bool_or(facts.carer) AS has_carer,
    bool_or(facts.parent_contact) AS has_parent_contact,
    bool_or(facts.file_consent) AS has_consent
   FROM ( SELECT g.street_id,
            g.child_id,
            (NOT g.is_parent_away) AS carer,
            ((g.relation = ANY (ARRAY['father'::public.guardian_relation, 'mother'::public.guardian_relation])) AND ((g.phone <> ''::text) OR (g.family_phone <> ''::text))) AS parent_contact,
            false AS file_consent
           FROM public.guardian g
        UNION ALL
         SELECT k.street_id,
            k.child_id,
            false,
            false,
            true
           FROM public.consent k
          WHERE ((k.scope = 'file'::public.consent_scope) AND (k.withdrawn_on IS NULL))) facts
  GROUP BY facts.street_id, facts.child_id;

--
-- Name: child_status_change; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.child_status_change (
    street_id uuid NOT NULL,
    id uuid NOT NULL,
    child_id uuid NOT NULL,
    from_status public.child_status,
    to_status public.child_status NOT NULL,
    from_community_id uuid,
    to_community_id uuid,
    changed_on date NOT NULL,
    reason text DEFAULT ''::text NOT NULL,
    changed_by uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY public.child_status_change FORCE ROW LEVEL SECURITY;

--
-- Name: community; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.community (
    street_id uuid NOT NULL,
    id uuid NOT NULL,
    name text NOT NULL,
    address text DEFAULT ''::text NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT community_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 100)))
);

ALTER TABLE ONLY public.community FORCE ROW LEVEL SECURITY;

--
-- Name: duty_credit; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.duty_credit (
    street_id uuid NOT NULL,
    id uuid NOT NULL,
    pairing_id uuid NOT NULL,
    duty public.duty NOT NULL,
    activity_id uuid NOT NULL,
    credited_by uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY public.duty_credit FORCE ROW LEVEL SECURITY;

--
-- Name: follow_up; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.follow_up (
    street_id uuid NOT NULL,
    id uuid NOT NULL,
    child_id uuid NOT NULL,
    visit_id uuid,
    description text NOT NULL,
    due_on date NOT NULL,
    assignee_id uuid,
    status public.follow_up_status DEFAULT 'open'::public.follow_up_status NOT NULL,
    created_by uuid NOT NULL,
    closed_at timestamp with time zone,
    closed_by uuid,
    closing_note text DEFAULT ''::text NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT follow_up_description_check CHECK (((length(btrim(description)) >= 1) AND (length(btrim(description)) <= 1000)))
);

ALTER TABLE ONLY public.follow_up FORCE ROW LEVEL SECURITY;

--
-- Name: grid; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.grid (
    street_id uuid NOT NULL,
    id uuid NOT NULL,
    community_id uuid NOT NULL,
    name text NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT grid_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 100)))
);

ALTER TABLE ONLY public.grid FORCE ROW LEVEL SECURITY;

--
-- Name: import_batch; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.import_batch (
    street_id uuid NOT NULL,
    id uuid NOT NULL,
    community_id uuid NOT NULL,
    kind text NOT NULL,
    file_name text NOT NULL,
    content bytea NOT NULL,
    created_by uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    mapping jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT import_batch_kind_check CHECK ((kind = ANY (ARRAY['children'::text, 'volunteers'::text])))
);

ALTER TABLE ONLY public.import_batch FORCE ROW LEVEL SECURITY;

--
-- Name: import_mapping; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.import_mapping (
    street_id uuid NOT NULL,
    kind text NOT NULL,
    header text NOT NULL,
    field text NOT NULL,
    updated_by uuid NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT import_mapping_field_check CHECK ((length(field) <= 40)),
    CONSTRAINT import_mapping_header_check CHECK (((length(header) >= 1) AND (length(header) <= 200))),
    CONSTRAINT import_mapping_kind_check CHECK ((kind = ANY (ARRAY['children'::text, 'volunteers'::text])))
);

ALTER TABLE ONLY public.import_mapping FORCE ROW LEVEL SECURITY;

--
-- Name: pairing; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.pairing (
    street_id uuid NOT NULL,
    id uuid NOT NULL,
    community_id uuid NOT NULL,
    volunteer_id uuid NOT NULL,
    child_id uuid NOT NULL,
    started_on date NOT NULL,
    card_signed_on date,
    goals text DEFAULT ''::text NOT NULL,
    ended_on date,
    end_reason text DEFAULT ''::text NOT NULL,
    override_reason text DEFAULT ''::text NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT pairing_check CHECK (((ended_on IS NULL) OR (ended_on >= started_on)))
);

ALTER TABLE ONLY public.pairing FORCE ROW LEVEL SECURITY;

--
-- Name: recovery_code; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.recovery_code (
    street_id uuid NOT NULL,
    user_id uuid NOT NULL,
    code_hash bytea NOT NULL,
    used_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY public.recovery_code FORCE ROW LEVEL SECURITY;

--
-- Name: report; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.report (
    street_id uuid NOT NULL,
    id uuid NOT NULL,
    community_id uuid NOT NULL,
    year integer NOT NULL,
    quarter smallint NOT NULL,
    status public.report_status DEFAULT 'draft'::public.report_status NOT NULL,
    work_done text DEFAULT ''::text NOT NULL,
    problems text DEFAULT ''::text NOT NULL,
    next_steps text DEFAULT ''::text NOT NULL,
    snapshot jsonb,
    submitted_at timestamp with time zone,
    approved_at timestamp with time zone,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT report_quarter_check CHECK (((quarter >= 1) AND (quarter <= 4))),
    CONSTRAINT report_year_check CHECK (((year >= 2000) AND (year <= 2100)))
);

ALTER TABLE ONLY public.report FORCE ROW LEVEL SECURITY;

--
-- Name: report_transition; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.report_transition (
    street_id uuid NOT NULL,
    id uuid NOT NULL,
    report_id uuid NOT NULL,
    from_status public.report_status NOT NULL,
    to_status public.report_status NOT NULL,
    comment text DEFAULT ''::text NOT NULL,
    by_user uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY public.report_transition FORCE ROW LEVEL SECURITY;

--
-- Name: session; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.session (
    street_id uuid NOT NULL,
    id uuid NOT NULL,
    user_id uuid NOT NULL,
    token_hash bytea NOT NULL,
    csrf_token text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    last_seen_at timestamp with time zone DEFAULT now() NOT NULL,
    second_factor_pending boolean DEFAULT false NOT NULL
);

ALTER TABLE ONLY public.session FORCE ROW LEVEL SECURITY;

--
-- Name: street; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.street (
    id uuid NOT NULL,
    name text NOT NULL,
    caseload_cap integer DEFAULT 3 NOT NULL,
    report_deadline_days integer DEFAULT 10 NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    evaluation_weights jsonb DEFAULT '{"on_time": 10, "completeness": 20, "verification": 10, "talk_coverage": 15, "duty_completion": 25, "pairing_coverage": 20}'::jsonb NOT NULL,
    retention_years integer DEFAULT 2 NOT NULL,
    totp_required boolean DEFAULT false NOT NULL,
    CONSTRAINT street_caseload_cap_check CHECK (((caseload_cap >= 1) AND (caseload_cap <= 50))),
    CONSTRAINT street_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 100))),
    CONSTRAINT street_report_deadline_days_check CHECK (((report_deadline_days >= 0) AND (report_deadline_days <= 90))),
    CONSTRAINT street_retention_years_check CHECK (((retention_years >= 1) AND (retention_years <= 30)))
);

ALTER TABLE ONLY public.street FORCE ROW LEVEL SECURITY;

--
-- Name: team; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.team (
    street_id uuid NOT NULL,
    id uuid NOT NULL,
    community_id uuid,
    name text NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT team_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 100)))
);

ALTER TABLE ONLY public.team FORCE ROW LEVEL SECURITY;

--
-- Name: visit; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.visit (
    street_id uuid NOT NULL,
    id uuid NOT NULL,
    child_id uuid NOT NULL,
    pairing_id uuid,
    author_id uuid NOT NULL,
    batch_id uuid,
    kind public.visit_kind NOT NULL,
    visited_on date NOT NULL,
    duration_minutes integer DEFAULT 0 NOT NULL,
    study_score smallint,
    life_score smallint,
    health_score smallint,
    mood_score smallint,
    notes text DEFAULT ''::text NOT NULL,
    needs text DEFAULT ''::text NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT visit_duration_minutes_check CHECK (((duration_minutes >= 0) AND (duration_minutes <= 1440))),
    CONSTRAINT visit_health_score_check CHECK (((health_score >= 1) AND (health_score <= 5))),
    CONSTRAINT visit_life_score_check CHECK (((life_score >= 1) AND (life_score <= 5))),
    CONSTRAINT visit_mood_score_check CHECK (((mood_score >= 1) AND (mood_score <= 5))),
    CONSTRAINT visit_study_score_check CHECK (((study_score >= 1) AND (study_score <= 5)))
);

ALTER TABLE ONLY public.visit FORCE ROW LEVEL SECURITY;

--
-- Name: visit_comment; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.visit_comment (
    street_id uuid NOT NULL,
    id uuid NOT NULL,
    visit_id uuid NOT NULL,
    author_id uuid NOT NULL,
    body text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT visit_comment_body_check CHECK (((length(btrim(body)) >= 1) AND (length(btrim(body)) <= 2000)))
);

ALTER TABLE ONLY public.visit_comment FORCE ROW LEVEL SECURITY;

--
-- Name: volunteer; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.volunteer (
    street_id uuid NOT NULL,
    id uuid NOT NULL,
    community_id uuid NOT NULL,
    team_id uuid,
    name text NOT NULL,
    phone text DEFAULT ''::text NOT NULL,
    kind public.volunteer_kind NOT NULL,
    skills text DEFAULT ''::text NOT NULL,
    status public.volunteer_status DEFAULT 'active'::public.volunteer_status NOT NULL,
    record_check_seen_on date,
    training_done_on date,
    conduct_accepted_at timestamp with time zone,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT volunteer_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 50)))
);

ALTER TABLE ONLY public.volunteer FORCE ROW LEVEL SECURITY;

--
-- Name: activity_photo activity_photo_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.activity_photo
    ADD CONSTRAINT activity_photo_pkey PRIMARY KEY (street_id, id);

--
-- Name: activity activity_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.activity
    ADD CONSTRAINT activity_pkey PRIMARY KEY (street_id, id);

--
-- Name: aid aid_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.aid
    ADD CONSTRAINT aid_pkey PRIMARY KEY (street_id, id);

--
-- Name: api_token api_token_hash_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_token
    ADD CONSTRAINT api_token_hash_key UNIQUE (street_id, token_hash);

--
-- Name: api_token api_token_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_token
    ADD CONSTRAINT api_token_pkey PRIMARY KEY (street_id, id);

--
-- Name: app_user app_user_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.app_user
    ADD CONSTRAINT app_user_pkey PRIMARY KEY (street_id, id);

--
-- Name: attendance attendance_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.attendance
    ADD CONSTRAINT attendance_pkey PRIMARY KEY (street_id, id);

--
-- Name: audit_event audit_event_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_event
    ADD CONSTRAINT audit_event_pkey PRIMARY KEY (street_id, id);

--
-- Name: audit_event audit_event_seq_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_event
    ADD CONSTRAINT audit_event_seq_key UNIQUE (street_id, seq);

--
-- Name: child child_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.child
    ADD CONSTRAINT child_pkey PRIMARY KEY (street_id, id);

--
-- Name: child_status_change child_status_change_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.child_status_change
    ADD CONSTRAINT child_status_change_pkey PRIMARY KEY (street_id, id);

--
-- Name: community community_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.community
    ADD CONSTRAINT community_name_key UNIQUE (street_id, name);

--
-- Name: community community_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.community
    ADD CONSTRAINT community_pkey PRIMARY KEY (street_id, id);

--
-- Name: consent consent_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.consent
    ADD CONSTRAINT consent_pkey PRIMARY KEY (street_id, id);

--
-- Name: duty_credit duty_credit_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.duty_credit
    ADD CONSTRAINT duty_credit_pkey PRIMARY KEY (street_id, id);

--
-- Name: follow_up follow_up_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.follow_up
    ADD CONSTRAINT follow_up_pkey PRIMARY KEY (street_id, id);

--
-- Name: grid grid_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.grid
    ADD CONSTRAINT grid_name_key UNIQUE (street_id, community_id, name);

--
-- Name: grid grid_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.grid
    ADD CONSTRAINT grid_pkey PRIMARY KEY (street_id, id);

--
-- Name: guardian guardian_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.guardian
    ADD CONSTRAINT guardian_pkey PRIMARY KEY (street_id, id);

--
-- Name: import_batch import_batch_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.import_batch
    ADD CONSTRAINT import_batch_pkey PRIMARY KEY (street_id, id);

--
-- Name: import_mapping import_mapping_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.import_mapping
    ADD CONSTRAINT import_mapping_pkey PRIMARY KEY (street_id, kind, header);

--
-- Name: pairing pairing_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pairing
    ADD CONSTRAINT pairing_pkey PRIMARY KEY (street_id, id);

--
-- Name: recovery_code recovery_code_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.recovery_code
    ADD CONSTRAINT recovery_code_pkey PRIMARY KEY (street_id, user_id, code_hash);

--
-- Name: report report_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.report
    ADD CONSTRAINT report_pkey PRIMARY KEY (street_id, id);

--
-- Name: report report_quarter_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.report
    ADD CONSTRAINT report_quarter_key UNIQUE (street_id, community_id, year, quarter);

--
-- Name: report_transition report_transition_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.report_transition
    ADD CONSTRAINT report_transition_pkey PRIMARY KEY (street_id, id);

--
-- Name: session session_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.session
    ADD CONSTRAINT session_pkey PRIMARY KEY (street_id, id);

--
-- Name: session session_token_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.session
    ADD CONSTRAINT session_token_key UNIQUE (street_id, token_hash);

--
-- Name: street street_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.street
    ADD CONSTRAINT street_pkey PRIMARY KEY (id);

--
-- Name: team team_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.team
    ADD CONSTRAINT team_name_key UNIQUE (street_id, name);

--
-- Name: team team_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.team
    ADD CONSTRAINT team_pkey PRIMARY KEY (street_id, id);

--
-- Name: visit_comment visit_comment_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit_comment
    ADD CONSTRAINT visit_comment_pkey PRIMARY KEY (street_id, id);

--
-- Name: visit visit_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit
    ADD CONSTRAINT visit_pkey PRIMARY KEY (street_id, id);

--
-- Name: volunteer volunteer_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.volunteer
    ADD CONSTRAINT volunteer_pkey PRIMARY KEY (street_id, id);

--
-- Name: activity_community_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX activity_community_idx ON public.activity USING btree (street_id, community_id, starts_at);

--
-- Name: activity_photo_activity_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX activity_photo_activity_idx ON public.activity_photo USING btree (street_id, activity_id);

--
-- Name: activity_time_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX activity_time_idx ON public.activity USING btree (street_id, starts_at);

--
-- Name: aid_activity_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX aid_activity_idx ON public.aid USING btree (street_id, activity_id);

--
-- Name: aid_child_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX aid_child_idx ON public.aid USING btree (street_id, child_id);

--
-- Name: aid_date_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX aid_date_idx ON public.aid USING btree (street_id, given_on);

--
-- Name: app_user_community_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX app_user_community_idx ON public.app_user USING btree (street_id, community_id);

--
-- Name: app_user_login_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX app_user_login_key ON public.app_user USING btree (login);

--
-- Name: app_user_volunteer_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX app_user_volunteer_key ON public.app_user USING btree (street_id, volunteer_id) WHERE (volunteer_id IS NOT NULL);

--
-- Name: attendance_activity_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attendance_activity_idx ON public.attendance USING btree (street_id, activity_id);

--
-- Name: attendance_child_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attendance_child_idx ON public.attendance USING btree (street_id, child_id);

--
-- Name: attendance_child_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX attendance_child_key ON public.attendance USING btree (street_id, activity_id, child_id) WHERE (child_id IS NOT NULL);

--
-- Name: attendance_volunteer_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX attendance_volunteer_idx ON public.attendance USING btree (street_id, volunteer_id);

--
-- Name: attendance_volunteer_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX attendance_volunteer_key ON public.attendance USING btree (street_id, activity_id, volunteer_id) WHERE (volunteer_id IS NOT NULL);

--
-- Name: audit_event_action_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_event_action_idx ON public.audit_event USING btree (street_id, action, at);

--
-- Name: audit_event_at_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_event_at_idx ON public.audit_event USING btree (street_id, at);

--
-- Name: audit_event_entity_changes_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_event_entity_changes_idx ON public.audit_event USING btree (street_id, entity_id, seq) WHERE (action <> ALL (ARRAY['child_viewed'::text, 'child_printed'::text, 'id_number_revealed'::text, 'access_denied'::text]));

--
-- Name: audit_event_entity_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_event_entity_idx ON public.audit_event USING btree (street_id, entity_id);

--
-- Name: audit_event_user_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_event_user_idx ON public.audit_event USING btree (street_id, user_id, at);

--
-- Name: child_community_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX child_community_idx ON public.child USING btree (street_id, community_id, status);

--
-- Name: child_community_name_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX child_community_name_idx ON public.child USING btree (street_id, community_id, status, name, id);

--
-- Name: child_id_number_hash_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX child_id_number_hash_idx ON public.child USING btree (street_id, id_number_hash);

--
-- Name: child_initials_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX child_initials_idx ON public.child USING btree (street_id, name_initials text_pattern_ops);

--
-- Name: child_name_birth_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX child_name_birth_idx ON public.child USING btree (street_id, name, birth_date);

--
-- Name: child_retention_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX child_retention_idx ON public.child USING btree (street_id, status, status_changed_on) WHERE (anonymised_at IS NULL);

--
-- Name: child_status_change_child_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX child_status_change_child_idx ON public.child_status_change USING btree (street_id, child_id);

--
-- Name: consent_child_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX consent_child_idx ON public.consent USING btree (street_id, child_id, scope);

--
-- Name: duty_credit_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX duty_credit_key ON public.duty_credit USING btree (street_id, pairing_id, duty, activity_id);

--
-- Name: duty_credit_pairing_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX duty_credit_pairing_idx ON public.duty_credit USING btree (street_id, pairing_id);

--
-- Name: follow_up_assignee_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX follow_up_assignee_idx ON public.follow_up USING btree (street_id, assignee_id, status);

--
-- Name: follow_up_child_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX follow_up_child_idx ON public.follow_up USING btree (street_id, child_id);

--
-- Name: follow_up_open_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX follow_up_open_idx ON public.follow_up USING btree (street_id, status, due_on);

--
-- Name: guardian_child_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX guardian_child_idx ON public.guardian USING btree (street_id, child_id);

--
-- Name: pairing_active_child_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX pairing_active_child_key ON public.pairing USING btree (street_id, child_id) WHERE (ended_on IS NULL);

--
-- Name: pairing_community_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX pairing_community_idx ON public.pairing USING btree (street_id, community_id);

--
-- Name: pairing_volunteer_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX pairing_volunteer_idx ON public.pairing USING btree (street_id, volunteer_id);

--
-- Name: report_period_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX report_period_idx ON public.report USING btree (street_id, year, quarter);

--
-- Name: report_transition_report_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX report_transition_report_idx ON public.report_transition USING btree (street_id, report_id);

--
-- Name: session_user_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX session_user_idx ON public.session USING btree (street_id, user_id);

--
-- Name: team_community_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX team_community_idx ON public.team USING btree (street_id, community_id);

--
-- Name: visit_author_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX visit_author_idx ON public.visit USING btree (street_id, author_id, visited_on);

--
-- Name: visit_child_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX visit_child_idx ON public.visit USING btree (street_id, child_id, visited_on);

--
-- Name: visit_comment_visit_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX visit_comment_visit_idx ON public.visit_comment USING btree (street_id, visit_id);

--
-- Name: visit_date_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX visit_date_idx ON public.visit USING btree (street_id, visited_on);

--
-- Name: visit_pairing_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX visit_pairing_idx ON public.visit USING btree (street_id, pairing_id, visited_on);

--
-- Name: volunteer_community_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX volunteer_community_idx ON public.volunteer USING btree (street_id, community_id);

--
-- Name: activity_photo activity_photo_street_id_activity_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.activity_photo
    ADD CONSTRAINT activity_photo_street_id_activity_id_fkey FOREIGN KEY (street_id, activity_id) REFERENCES public.activity(street_id, id);

--
-- Name: activity_photo activity_photo_street_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.activity_photo
    ADD CONSTRAINT activity_photo_street_id_fkey FOREIGN KEY (street_id) REFERENCES public.street(id);

--
-- Name: activity_photo activity_photo_street_id_uploaded_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.activity_photo
    ADD CONSTRAINT activity_photo_street_id_uploaded_by_fkey FOREIGN KEY (street_id, uploaded_by) REFERENCES public.app_user(street_id, id);

--
-- Name: activity activity_street_id_community_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.activity
    ADD CONSTRAINT activity_street_id_community_id_fkey FOREIGN KEY (street_id, community_id) REFERENCES public.community(street_id, id);

--
-- Name: activity activity_street_id_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.activity
    ADD CONSTRAINT activity_street_id_created_by_fkey FOREIGN KEY (street_id, created_by) REFERENCES public.app_user(street_id, id);

--
-- Name: activity activity_street_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.activity
    ADD CONSTRAINT activity_street_id_fkey FOREIGN KEY (street_id) REFERENCES public.street(id);

--
-- Name: aid aid_street_id_activity_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.aid
    ADD CONSTRAINT aid_street_id_activity_id_fkey FOREIGN KEY (street_id, activity_id) REFERENCES public.activity(street_id, id);

--
-- Name: aid aid_street_id_child_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.aid
    ADD CONSTRAINT aid_street_id_child_id_fkey FOREIGN KEY (street_id, child_id) REFERENCES public.child(street_id, id);

--
-- Name: aid aid_street_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.aid
    ADD CONSTRAINT aid_street_id_fkey FOREIGN KEY (street_id) REFERENCES public.street(id);

--
-- Name: aid aid_street_id_recorded_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.aid
    ADD CONSTRAINT aid_street_id_recorded_by_fkey FOREIGN KEY (street_id, recorded_by) REFERENCES public.app_user(street_id, id);

--
-- Name: api_token api_token_street_id_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_token
    ADD CONSTRAINT api_token_street_id_created_by_fkey FOREIGN KEY (street_id, created_by) REFERENCES public.app_user(street_id, id);

--
-- Name: api_token api_token_street_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_token
    ADD CONSTRAINT api_token_street_id_fkey FOREIGN KEY (street_id) REFERENCES public.street(id);

--
-- Name: app_user app_user_street_id_community_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.app_user
    ADD CONSTRAINT app_user_street_id_community_id_fkey FOREIGN KEY (street_id, community_id) REFERENCES public.community(street_id, id);

--
-- Name: app_user app_user_street_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.app_user
    ADD CONSTRAINT app_user_street_id_fkey FOREIGN KEY (street_id) REFERENCES public.street(id);

--
-- Name: app_user app_user_street_id_volunteer_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.app_user
    ADD CONSTRAINT app_user_street_id_volunteer_id_fkey FOREIGN KEY (street_id, volunteer_id) REFERENCES public.volunteer(street_id, id);

--
-- Name: attendance attendance_street_id_activity_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.attendance
    ADD CONSTRAINT attendance_street_id_activity_id_fkey FOREIGN KEY (street_id, activity_id) REFERENCES public.activity(street_id, id);

--
-- Name: attendance attendance_street_id_child_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.attendance
    ADD CONSTRAINT attendance_street_id_child_id_fkey FOREIGN KEY (street_id, child_id) REFERENCES public.child(street_id, id);

--
-- Name: attendance attendance_street_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.attendance
    ADD CONSTRAINT attendance_street_id_fkey FOREIGN KEY (street_id) REFERENCES public.street(id);

--
-- Name: attendance attendance_street_id_recorded_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.attendance
    ADD CONSTRAINT attendance_street_id_recorded_by_fkey FOREIGN KEY (street_id, recorded_by) REFERENCES public.app_user(street_id, id);

--
-- Name: attendance attendance_street_id_volunteer_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.attendance
    ADD CONSTRAINT attendance_street_id_volunteer_id_fkey FOREIGN KEY (street_id, volunteer_id) REFERENCES public.volunteer(street_id, id);

--
-- Name: audit_event audit_event_street_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_event
    ADD CONSTRAINT audit_event_street_id_fkey FOREIGN KEY (street_id) REFERENCES public.street(id);

--
-- Name: child_status_change child_status_change_street_id_changed_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.child_status_change
    ADD CONSTRAINT child_status_change_street_id_changed_by_fkey FOREIGN KEY (street_id, changed_by) REFERENCES public.app_user(street_id, id);

--
-- Name: child_status_change child_status_change_street_id_child_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.child_status_change
    ADD CONSTRAINT child_status_change_street_id_child_id_fkey FOREIGN KEY (street_id, child_id) REFERENCES public.child(street_id, id);

--
-- Name: child_status_change child_status_change_street_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.child_status_change
    ADD CONSTRAINT child_status_change_street_id_fkey FOREIGN KEY (street_id) REFERENCES public.street(id);

--
-- Name: child_status_change child_status_change_street_id_from_community_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.child_status_change
    ADD CONSTRAINT child_status_change_street_id_from_community_id_fkey FOREIGN KEY (street_id, from_community_id) REFERENCES public.community(street_id, id);

--
-- Name: child_status_change child_status_change_street_id_to_community_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.child_status_change
    ADD CONSTRAINT child_status_change_street_id_to_community_id_fkey FOREIGN KEY (street_id, to_community_id) REFERENCES public.community(street_id, id);

--
-- Name: child child_street_id_community_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.child
    ADD CONSTRAINT child_street_id_community_id_fkey FOREIGN KEY (street_id, community_id) REFERENCES public.community(street_id, id);

--
-- Name: child child_street_id_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.child
    ADD CONSTRAINT child_street_id_created_by_fkey FOREIGN KEY (street_id, created_by) REFERENCES public.app_user(street_id, id);

--
-- Name: child child_street_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.child
    ADD CONSTRAINT child_street_id_fkey FOREIGN KEY (street_id) REFERENCES public.street(id);

--
-- Name: child child_street_id_grid_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.child
    ADD CONSTRAINT child_street_id_grid_id_fkey FOREIGN KEY (street_id, grid_id) REFERENCES public.grid(street_id, id);

--
-- Name: child child_street_id_updated_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.child
    ADD CONSTRAINT child_street_id_updated_by_fkey FOREIGN KEY (street_id, updated_by) REFERENCES public.app_user(street_id, id);

--
-- Name: community community_street_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.community
    ADD CONSTRAINT community_street_id_fkey FOREIGN KEY (street_id) REFERENCES public.street(id);

--
-- Name: consent consent_street_id_child_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.consent
    ADD CONSTRAINT consent_street_id_child_id_fkey FOREIGN KEY (street_id, child_id) REFERENCES public.child(street_id, id);

--
-- Name: consent consent_street_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.consent
    ADD CONSTRAINT consent_street_id_fkey FOREIGN KEY (street_id) REFERENCES public.street(id);

--
-- Name: consent consent_street_id_recorded_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.consent
    ADD CONSTRAINT consent_street_id_recorded_by_fkey FOREIGN KEY (street_id, recorded_by) REFERENCES public.app_user(street_id, id);

--
-- Name: duty_credit duty_credit_street_id_activity_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.duty_credit
    ADD CONSTRAINT duty_credit_street_id_activity_id_fkey FOREIGN KEY (street_id, activity_id) REFERENCES public.activity(street_id, id);

--
-- Name: duty_credit duty_credit_street_id_credited_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.duty_credit
    ADD CONSTRAINT duty_credit_street_id_credited_by_fkey FOREIGN KEY (street_id, credited_by) REFERENCES public.app_user(street_id, id);

--
-- Name: duty_credit duty_credit_street_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.duty_credit
    ADD CONSTRAINT duty_credit_street_id_fkey FOREIGN KEY (street_id) REFERENCES public.street(id);

--
-- Name: duty_credit duty_credit_street_id_pairing_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.duty_credit
    ADD CONSTRAINT duty_credit_street_id_pairing_id_fkey FOREIGN KEY (street_id, pairing_id) REFERENCES public.pairing(street_id, id);

--
-- Name: follow_up follow_up_street_id_assignee_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.follow_up
    ADD CONSTRAINT follow_up_street_id_assignee_id_fkey FOREIGN KEY (street_id, assignee_id) REFERENCES public.app_user(street_id, id);

--
-- Name: follow_up follow_up_street_id_child_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.follow_up
    ADD CONSTRAINT follow_up_street_id_child_id_fkey FOREIGN KEY (street_id, child_id) REFERENCES public.child(street_id, id);

--
-- Name: follow_up follow_up_street_id_closed_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.follow_up
    ADD CONSTRAINT follow_up_street_id_closed_by_fkey FOREIGN KEY (street_id, closed_by) REFERENCES public.app_user(street_id, id);

--
-- Name: follow_up follow_up_street_id_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.follow_up
    ADD CONSTRAINT follow_up_street_id_created_by_fkey FOREIGN KEY (street_id, created_by) REFERENCES public.app_user(street_id, id);

--
-- Name: follow_up follow_up_street_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.follow_up
    ADD CONSTRAINT follow_up_street_id_fkey FOREIGN KEY (street_id) REFERENCES public.street(id);

--
-- Name: follow_up follow_up_street_id_visit_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.follow_up
    ADD CONSTRAINT follow_up_street_id_visit_id_fkey FOREIGN KEY (street_id, visit_id) REFERENCES public.visit(street_id, id);

--
-- Name: grid grid_street_id_community_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.grid
    ADD CONSTRAINT grid_street_id_community_id_fkey FOREIGN KEY (street_id, community_id) REFERENCES public.community(street_id, id);

--
-- Name: grid grid_street_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.grid
    ADD CONSTRAINT grid_street_id_fkey FOREIGN KEY (street_id) REFERENCES public.street(id);

--
-- Name: guardian guardian_street_id_child_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.guardian
    ADD CONSTRAINT guardian_street_id_child_id_fkey FOREIGN KEY (street_id, child_id) REFERENCES public.child(street_id, id);

--
-- Name: guardian guardian_street_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.guardian
    ADD CONSTRAINT guardian_street_id_fkey FOREIGN KEY (street_id) REFERENCES public.street(id);

--
-- Name: guardian guardian_street_id_updated_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.guardian
    ADD CONSTRAINT guardian_street_id_updated_by_fkey FOREIGN KEY (street_id, updated_by) REFERENCES public.app_user(street_id, id);

--
-- Name: import_batch import_batch_street_id_community_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.import_batch
    ADD CONSTRAINT import_batch_street_id_community_id_fkey FOREIGN KEY (street_id, community_id) REFERENCES public.community(street_id, id);

--
-- Name: import_batch import_batch_street_id_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.import_batch
    ADD CONSTRAINT import_batch_street_id_created_by_fkey FOREIGN KEY (street_id, created_by) REFERENCES public.app_user(street_id, id);

--
-- Name: import_batch import_batch_street_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.import_batch
    ADD CONSTRAINT import_batch_street_id_fkey FOREIGN KEY (street_id) REFERENCES public.street(id);

--
-- Name: import_mapping import_mapping_street_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.import_mapping
    ADD CONSTRAINT import_mapping_street_id_fkey FOREIGN KEY (street_id) REFERENCES public.street(id);

--
-- Name: import_mapping import_mapping_street_id_updated_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.import_mapping
    ADD CONSTRAINT import_mapping_street_id_updated_by_fkey FOREIGN KEY (street_id, updated_by) REFERENCES public.app_user(street_id, id);

--
-- Name: pairing pairing_street_id_child_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pairing
    ADD CONSTRAINT pairing_street_id_child_id_fkey FOREIGN KEY (street_id, child_id) REFERENCES public.child(street_id, id);

--
-- Name: pairing pairing_street_id_community_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pairing
    ADD CONSTRAINT pairing_street_id_community_id_fkey FOREIGN KEY (street_id, community_id) REFERENCES public.community(street_id, id);

--
-- Name: pairing pairing_street_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pairing
    ADD CONSTRAINT pairing_street_id_fkey FOREIGN KEY (street_id) REFERENCES public.street(id);

--
-- Name: pairing pairing_street_id_volunteer_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pairing
    ADD CONSTRAINT pairing_street_id_volunteer_id_fkey FOREIGN KEY (street_id, volunteer_id) REFERENCES public.volunteer(street_id, id);

--
-- Name: recovery_code recovery_code_street_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.recovery_code
    ADD CONSTRAINT recovery_code_street_id_fkey FOREIGN KEY (street_id) REFERENCES public.street(id);

--
-- Name: recovery_code recovery_code_street_id_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.recovery_code
    ADD CONSTRAINT recovery_code_street_id_user_id_fkey FOREIGN KEY (street_id, user_id) REFERENCES public.app_user(street_id, id) ON DELETE CASCADE;

--
-- Name: report report_street_id_community_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.report
    ADD CONSTRAINT report_street_id_community_id_fkey FOREIGN KEY (street_id, community_id) REFERENCES public.community(street_id, id);

--
-- Name: report report_street_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.report
    ADD CONSTRAINT report_street_id_fkey FOREIGN KEY (street_id) REFERENCES public.street(id);

--
-- Name: report_transition report_transition_street_id_by_user_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.report_transition
    ADD CONSTRAINT report_transition_street_id_by_user_fkey FOREIGN KEY (street_id, by_user) REFERENCES public.app_user(street_id, id);

--
-- Name: report_transition report_transition_street_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.report_transition
    ADD CONSTRAINT report_transition_street_id_fkey FOREIGN KEY (street_id) REFERENCES public.street(id);

--
-- Name: report_transition report_transition_street_id_report_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.report_transition
    ADD CONSTRAINT report_transition_street_id_report_id_fkey FOREIGN KEY (street_id, report_id) REFERENCES public.report(street_id, id);

--
-- Name: session session_street_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.session
    ADD CONSTRAINT session_street_id_fkey FOREIGN KEY (street_id) REFERENCES public.street(id);

--
-- Name: session session_street_id_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.session
    ADD CONSTRAINT session_street_id_user_id_fkey FOREIGN KEY (street_id, user_id) REFERENCES public.app_user(street_id, id) ON DELETE CASCADE;

--
-- Name: team team_street_id_community_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.team
    ADD CONSTRAINT team_street_id_community_id_fkey FOREIGN KEY (street_id, community_id) REFERENCES public.community(street_id, id);

--
-- Name: team team_street_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.team
    ADD CONSTRAINT team_street_id_fkey FOREIGN KEY (street_id) REFERENCES public.street(id);

--
-- Name: visit_comment visit_comment_street_id_author_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit_comment
    ADD CONSTRAINT visit_comment_street_id_author_id_fkey FOREIGN KEY (street_id, author_id) REFERENCES public.app_user(street_id, id);

--
-- Name: visit_comment visit_comment_street_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit_comment
    ADD CONSTRAINT visit_comment_street_id_fkey FOREIGN KEY (street_id) REFERENCES public.street(id);

--
-- Name: visit_comment visit_comment_street_id_visit_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit_comment
    ADD CONSTRAINT visit_comment_street_id_visit_id_fkey FOREIGN KEY (street_id, visit_id) REFERENCES public.visit(street_id, id);

--
-- Name: visit visit_street_id_author_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit
    ADD CONSTRAINT visit_street_id_author_id_fkey FOREIGN KEY (street_id, author_id) REFERENCES public.app_user(street_id, id);

--
-- Name: visit visit_street_id_child_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit
    ADD CONSTRAINT visit_street_id_child_id_fkey FOREIGN KEY (street_id, child_id) REFERENCES public.child(street_id, id);

--
-- Name: visit visit_street_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit
    ADD CONSTRAINT visit_street_id_fkey FOREIGN KEY (street_id) REFERENCES public.street(id);

--
-- Name: visit visit_street_id_pairing_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit
    ADD CONSTRAINT visit_street_id_pairing_id_fkey FOREIGN KEY (street_id, pairing_id) REFERENCES public.pairing(street_id, id);

--
-- Name: volunteer volunteer_street_id_community_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.volunteer
    ADD CONSTRAINT volunteer_street_id_community_id_fkey FOREIGN KEY (street_id, community_id) REFERENCES public.community(street_id, id);

--
-- Name: volunteer volunteer_street_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.volunteer
    ADD CONSTRAINT volunteer_street_id_fkey FOREIGN KEY (street_id) REFERENCES public.street(id);

--
-- Name: volunteer volunteer_street_id_team_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.volunteer
    ADD CONSTRAINT volunteer_street_id_team_id_fkey FOREIGN KEY (street_id, team_id) REFERENCES public.team(street_id, id);

--
-- Name: activity; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.activity ENABLE ROW LEVEL SECURITY;

--
-- Name: activity_photo; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.activity_photo ENABLE ROW LEVEL SECURITY;

--
-- Name: aid; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.aid ENABLE ROW LEVEL SECURITY;

--
-- Name: api_token; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.api_token ENABLE ROW LEVEL SECURITY;

--
-- Name: app_user; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.app_user ENABLE ROW LEVEL SECURITY;

--
-- Name: attendance; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.attendance ENABLE ROW LEVEL SECURITY;

--
-- Name: audit_event; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.audit_event ENABLE ROW LEVEL SECURITY;

--
-- Name: child; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.child ENABLE ROW LEVEL SECURITY;

--
-- Name: child_status_change; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.child_status_change ENABLE ROW LEVEL SECURITY;

--
-- Name: community; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.community ENABLE ROW LEVEL SECURITY;

--
-- Name: consent; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.consent ENABLE ROW LEVEL SECURITY;

--
-- Name: duty_credit; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.duty_credit ENABLE ROW LEVEL SECURITY;

--
-- Name: follow_up; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.follow_up ENABLE ROW LEVEL SECURITY;

--
-- Name: grid; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.grid ENABLE ROW LEVEL SECURITY;

--
-- Name: guardian; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.guardian ENABLE ROW LEVEL SECURITY;

--
-- Name: import_batch; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.import_batch ENABLE ROW LEVEL SECURITY;

--
-- Name: import_mapping; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.import_mapping ENABLE ROW LEVEL SECURITY;

--
-- Name: pairing; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.pairing ENABLE ROW LEVEL SECURITY;

--
-- Name: recovery_code; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.recovery_code ENABLE ROW LEVEL SECURITY;

--
-- Name: report; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.report ENABLE ROW LEVEL SECURITY;

--
-- Name: report_transition; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.report_transition ENABLE ROW LEVEL SECURITY;

--
-- Name: session; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.session ENABLE ROW LEVEL SECURITY;

--
-- Name: street; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.street ENABLE ROW LEVEL SECURITY;

--
-- Name: activity street_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY street_isolation ON public.activity USING ((street_id = public.app_street())) WITH CHECK ((street_id = public.app_street()));

--
-- Name: activity_photo street_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY street_isolation ON public.activity_photo USING ((street_id = public.app_street())) WITH CHECK ((street_id = public.app_street()));

--
-- Name: aid street_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY street_isolation ON public.aid USING ((street_id = public.app_street())) WITH CHECK ((street_id = public.app_street()));

--
-- Name: api_token street_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY street_isolation ON public.api_token USING ((street_id = public.app_street())) WITH CHECK ((street_id = public.app_street()));

--
-- Name: app_user street_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY street_isolation ON public.app_user USING ((street_id = public.app_street())) WITH CHECK ((street_id = public.app_street()));

--
-- Name: attendance street_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY street_isolation ON public.attendance USING ((street_id = public.app_street())) WITH CHECK ((street_id = public.app_street()));

--
-- Name: audit_event street_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY street_isolation ON public.audit_event USING ((street_id = public.app_street())) WITH CHECK ((street_id = public.app_street()));

--
-- Name: child street_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY street_isolation ON public.child USING ((street_id = public.app_street())) WITH CHECK ((street_id = public.app_street()));

--
-- Name: child_status_change street_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY street_isolation ON public.child_status_change USING ((street_id = public.app_street())) WITH CHECK ((street_id = public.app_street()));

--
-- Name: community street_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY street_isolation ON public.community USING ((street_id = public.app_street())) WITH CHECK ((street_id = public.app_street()));

--
-- Name: consent street_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY street_isolation ON public.consent USING ((street_id = public.app_street())) WITH CHECK ((street_id = public.app_street()));

--
-- Name: duty_credit street_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY street_isolation ON public.duty_credit USING ((street_id = public.app_street())) WITH CHECK ((street_id = public.app_street()));

--
-- Name: follow_up street_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY street_isolation ON public.follow_up USING ((street_id = public.app_street())) WITH CHECK ((street_id = public.app_street()));

--
-- Name: grid street_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY street_isolation ON public.grid USING ((street_id = public.app_street())) WITH CHECK ((street_id = public.app_street()));

--
-- Name: guardian street_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY street_isolation ON public.guardian USING ((street_id = public.app_street())) WITH CHECK ((street_id = public.app_street()));

--
-- Name: import_batch street_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY street_isolation ON public.import_batch USING ((street_id = public.app_street())) WITH CHECK ((street_id = public.app_street()));

--
-- Name: import_mapping street_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY street_isolation ON public.import_mapping USING ((street_id = public.app_street())) WITH CHECK ((street_id = public.app_street()));

--
-- Name: pairing street_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY street_isolation ON public.pairing USING ((street_id = public.app_street())) WITH CHECK ((street_id = public.app_street()));

--
-- Name: recovery_code street_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY street_isolation ON public.recovery_code USING ((street_id = public.app_street())) WITH CHECK ((street_id = public.app_street()));

--
-- Name: report street_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY street_isolation ON public.report USING ((street_id = public.app_street())) WITH CHECK ((street_id = public.app_street()));

--
-- Name: report_transition street_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY street_isolation ON public.report_transition USING ((street_id = public.app_street())) WITH CHECK ((street_id = public.app_street()));

--
-- Name: session street_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY street_isolation ON public.session USING ((street_id = public.app_street())) WITH CHECK ((street_id = public.app_street()));

--
-- Name: street street_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY street_isolation ON public.street USING ((id = public.app_street())) WITH CHECK ((id = public.app_street()));

--
-- Name: team street_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY street_isolation ON public.team USING ((street_id = public.app_street())) WITH CHECK ((street_id = public.app_street()));

--
-- Name: visit street_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY street_isolation ON public.visit USING ((street_id = public.app_street())) WITH CHECK ((street_id = public.app_street()));

--
-- Name: visit_comment street_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY street_isolation ON public.visit_comment USING ((street_id = public.app_street())) WITH CHECK ((street_id = public.app_street()));

--
-- Name: volunteer street_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY street_isolation ON public.volunteer USING ((street_id = public.app_street())) WITH CHECK ((street_id = public.app_street()));

--
-- Name: team; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.team ENABLE ROW LEVEL SECURITY;

--
-- Name: visit; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.visit ENABLE ROW LEVEL SECURITY;

--
-- Name: visit_comment; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.visit_comment ENABLE ROW LEVEL SECURITY;

--
-- Name: volunteer; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.volunteer ENABLE ROW LEVEL SECURITY;

--
-- Name: SCHEMA public; Type: ACL; Schema: -; Owner: -
--

GRANT USAGE ON SCHEMA public TO shouhu_app;

--
-- Name: FUNCTION applied_migrations(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.applied_migrations() FROM PUBLIC;
GRANT ALL ON FUNCTION public.applied_migrations() TO shouhu_app;

--
-- Name: TABLE audit_event; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT ON TABLE public.audit_event TO shouhu_app;

--
-- Name: FUNCTION auth_user_by_login(p_login text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.auth_user_by_login(p_login text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.auth_user_by_login(p_login text) TO shouhu_app;

--
-- Name: TABLE child; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.child TO shouhu_app;

--
-- Name: TABLE activity; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.activity TO shouhu_app;

--
-- Name: TABLE activity_photo; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.activity_photo TO shouhu_app;

--
-- Name: TABLE aid; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.aid TO shouhu_app;

--
-- Name: TABLE api_token; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.api_token TO shouhu_app;

--
-- Name: TABLE app_user; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.app_user TO shouhu_app;

--
-- Name: TABLE attendance; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.attendance TO shouhu_app;

--
-- Name: TABLE consent; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.consent TO shouhu_app;

--
-- Name: TABLE guardian; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.guardian TO shouhu_app;

--
-- Name: TABLE child_file_fact; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.child_file_fact TO shouhu_app;

--
-- Name: TABLE child_status_change; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.child_status_change TO shouhu_app;

--
-- Name: TABLE community; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.community TO shouhu_app;

--
-- Name: TABLE duty_credit; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.duty_credit TO shouhu_app;

--
-- Name: TABLE follow_up; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.follow_up TO shouhu_app;

--
-- Name: TABLE grid; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.grid TO shouhu_app;

--
-- Name: TABLE import_batch; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.import_batch TO shouhu_app;

--
-- Name: TABLE import_mapping; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.import_mapping TO shouhu_app;

--
-- Name: TABLE pairing; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.pairing TO shouhu_app;

--
-- Name: TABLE recovery_code; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.recovery_code TO shouhu_app;

--
-- Name: TABLE report; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.report TO shouhu_app;

--
-- Name: TABLE report_transition; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.report_transition TO shouhu_app;

--
-- Name: TABLE session; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.session TO shouhu_app;

--
-- Name: TABLE street; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,UPDATE ON TABLE public.street TO shouhu_app;

--
-- Name: TABLE team; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.team TO shouhu_app;

--
-- Name: TABLE visit; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.visit TO shouhu_app;

--
-- Name: TABLE visit_comment; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.visit_comment TO shouhu_app;

--
-- Name: TABLE volunteer; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.volunteer TO shouhu_app;

--
-- Name: DEFAULT PRIVILEGES FOR TABLES; Type: DEFAULT ACL; Schema: public; Owner: -
--

ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT SELECT,INSERT,DELETE,UPDATE ON TABLES  TO shouhu_app;

--
-- PostgreSQL database dump complete
--

