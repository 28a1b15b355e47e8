-- child_name_idx (street_id, name) is a prefix of child_name_birth_idx (street_id, name,
-- birth_date), which serves every query the shorter one did. Keeping both cost a second index
-- write per child (roster imports insert thousands) and one more index for the planner to weigh
-- on every child query.
DROP INDEX child_name_idx;
