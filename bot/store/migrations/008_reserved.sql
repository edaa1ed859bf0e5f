-- Placeholder: number 008 belongs to the groups branch (subscriptions people find, groups and
-- channels). Kept here only so that the publish branch's 009 applies without a gap; drop this
-- file when merging that branch's 008.
SELECT 1;
