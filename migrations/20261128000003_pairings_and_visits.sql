-- Pairings and visits: the indexes the volunteer pages, the hours and the duty grid read by.
CREATE INDEX visit_author_idx ON visit (street_id, author_id, visited_on);
CREATE INDEX follow_up_assignee_idx ON follow_up (street_id, assignee_id, status);
CREATE INDEX team_community_idx ON team (street_id, community_id);
