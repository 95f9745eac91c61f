-- The tables the vendored Broker rules (sqlrules/*.sql) read, with only the columns they
-- use (plus those the validator's own loading steps use: the submission's reporting
-- dates and tas_lookup's CARS dates, for update_account_nums), named and typed as the
-- Broker's SQLAlchemy models declare them at commit
-- 24a2645efe8273f4abc049ce08a0b2cdb224784a: Integer -> integer, BigInteger -> bigint,
-- Text -> text, Numeric -> numeric (no precision, as there), Boolean -> boolean,
-- Date -> date; nullable=False -> NOT NULL. Written for the tests of this crate; not the
-- Broker's file.

-- dataactcore/models/jobModels.py, class Submission
CREATE TABLE submission (
    submission_id integer PRIMARY KEY,
    cgac_code text,
    frec_code text,
    reporting_start_date date,
    reporting_end_date date,
    reporting_fiscal_year integer NOT NULL DEFAULT 0,
    reporting_fiscal_period integer NOT NULL DEFAULT 0,
    is_quarter_format boolean NOT NULL DEFAULT false
);

-- dataactcore/models/stagingModels.py, class Appropriation (File A)
CREATE TABLE appropriation (
    submission_id integer NOT NULL REFERENCES submission (submission_id) ON DELETE CASCADE,
    row_number integer NOT NULL,
    adjustments_to_unobligated_cpe numeric,
    agency_identifier text,
    allocation_transfer_agency text,
    availability_type_code text,
    beginning_period_of_availa text,
    borrowing_authority_amount_cpe numeric,
    budget_authority_appropria_cpe numeric,
    total_budgetary_resources_cpe numeric,
    budget_authority_unobligat_fyb numeric,
    contract_authority_amount_cpe numeric,
    deobligations_recoveries_r_cpe numeric,
    ending_period_of_availabil text,
    gross_outlay_amount_by_tas_cpe numeric,
    main_account_code text,
    obligations_incurred_total_cpe numeric,
    other_budgetary_resources_cpe numeric,
    spending_authority_from_of_cpe numeric,
    status_of_budgetary_resour_cpe numeric,
    sub_account_code text,
    unobligated_balance_cpe numeric,
    tas text NOT NULL,
    display_tas text,
    account_num integer
);

-- dataactcore/models/stagingModels.py, class ObjectClassProgramActivity (File B)
CREATE TABLE object_class_program_activity (
    submission_id integer NOT NULL REFERENCES submission (submission_id) ON DELETE CASCADE,
    row_number integer NOT NULL,
    agency_identifier text,
    allocation_transfer_agency text,
    availability_type_code text,
    beginning_period_of_availa text,
    by_direct_reimbursable_fun text,
    deobligations_recov_by_pro_cpe numeric,
    ending_period_of_availabil text,
    gross_outlay_amount_by_pro_cpe numeric,
    gross_outlay_amount_by_pro_fyb numeric,
    gross_outlays_delivered_or_cpe numeric,
    gross_outlays_delivered_or_fyb numeric,
    gross_outlays_undelivered_cpe numeric,
    gross_outlays_undelivered_fyb numeric,
    main_account_code text,
    object_class text,
    obligations_delivered_orde_cpe numeric,
    obligations_delivered_orde_fyb numeric,
    obligations_incurred_by_pr_cpe numeric,
    obligations_undelivered_or_cpe numeric,
    obligations_undelivered_or_fyb numeric,
    program_activity_code text,
    program_activity_name text,
    sub_account_code text,
    ussgl480100_undelivered_or_cpe numeric,
    ussgl480100_undelivered_or_fyb numeric,
    ussgl480110_rein_undel_ord_cpe numeric,
    ussgl480200_undelivered_or_cpe numeric,
    ussgl480210_rein_undel_obs_cpe numeric,
    ussgl480200_undelivered_or_fyb numeric,
    ussgl483100_undelivered_or_cpe numeric,
    ussgl483200_undelivered_or_cpe numeric,
    ussgl487100_downward_adjus_cpe numeric,
    ussgl487200_downward_adjus_cpe numeric,
    ussgl488100_upward_adjustm_cpe numeric,
    ussgl488200_upward_adjustm_cpe numeric,
    ussgl490100_delivered_orde_cpe numeric,
    ussgl490100_delivered_orde_fyb numeric,
    ussgl490110_rein_deliv_ord_cpe numeric,
    ussgl490200_delivered_orde_cpe numeric,
    ussgl490800_authority_outl_cpe numeric,
    ussgl490800_authority_outl_fyb numeric,
    ussgl493100_delivered_orde_cpe numeric,
    ussgl497100_downward_adjus_cpe numeric,
    ussgl497200_downward_adjus_cpe numeric,
    ussgl497210_down_adj_refun_cpe numeric,
    ussgl498100_upward_adjustm_cpe numeric,
    ussgl498200_upward_adjustm_cpe numeric,
    tas text NOT NULL,
    display_tas text,
    account_num integer,
    disaster_emergency_fund_code text,
    program_activity_reporting_key text,
    prior_year_adjustment text
);

-- dataactcore/models/domainModels.py, class SF133 (GTAS)
CREATE TABLE sf_133 (
    agency_identifier text NOT NULL,
    allocation_transfer_agency text,
    availability_type_code text,
    beginning_period_of_availa text,
    ending_period_of_availabil text,
    main_account_code text NOT NULL,
    sub_account_code text NOT NULL,
    tas text NOT NULL,
    display_tas text,
    fiscal_year integer NOT NULL,
    period integer NOT NULL,
    line integer NOT NULL,
    amount numeric NOT NULL DEFAULT 0,
    account_num integer,
    disaster_emergency_fund_code text
);

-- dataactcore/models/domainModels.py, class TASLookup (CARS)
CREATE TABLE tas_lookup (
    account_num integer NOT NULL,
    allocation_transfer_agency text,
    agency_identifier text,
    beginning_period_of_availa text,
    ending_period_of_availabil text,
    availability_type_code text,
    main_account_code text,
    sub_account_code text,
    internal_start_date date NOT NULL,
    internal_end_date date,
    financial_indicator2 text,
    fr_entity_type text,
    tas text NOT NULL,
    display_tas text
);

-- dataactcore/models/domainModels.py, classes CGAC and FREC
CREATE TABLE cgac (
    cgac_id integer PRIMARY KEY,
    cgac_code text NOT NULL UNIQUE
);
CREATE TABLE frec (
    frec_code text UNIQUE,
    cgac_id integer NOT NULL REFERENCES cgac (cgac_id) ON DELETE CASCADE
);

-- dataactcore/models/domainModels.py, class ProgramActivity
CREATE TABLE program_activity (
    fiscal_year_period text NOT NULL,
    agency_id text NOT NULL,
    allocation_transfer_id text,
    account_number text NOT NULL,
    program_activity_code text NOT NULL,
    program_activity_name text NOT NULL,
    UNIQUE (fiscal_year_period, agency_id, allocation_transfer_id, account_number,
            program_activity_code, program_activity_name)
);

-- dataactcore/models/domainModels.py, class ProgramActivityPARK
CREATE TABLE program_activity_park (
    fiscal_year integer NOT NULL,
    period integer NOT NULL,
    agency_id text NOT NULL,
    allocation_transfer_id text,
    main_account_number text NOT NULL,
    sub_account_number text,
    park_code text NOT NULL,
    UNIQUE (fiscal_year, period, agency_id, allocation_transfer_id, main_account_number,
            sub_account_number, park_code)
);

-- dataactcore/models/domainModels.py, class ObjectClass
CREATE TABLE object_class (
    object_class_code text NOT NULL UNIQUE
);

-- dataactcore/models/domainModels.py, class DEFC
CREATE TABLE defc (
    code text NOT NULL UNIQUE
);

-- dataactcore/migrations/versions/0d570ef8292d_sql_helper_functions.py, as there
CREATE OR REPLACE function is_zero(NUMERIC) returns INTEGER AS $$
BEGIN
    perform CAST($1 AS NUMERIC);
    CASE WHEN $1 <> 0
        THEN return 1;
        ELSE return 0;
    END CASE;
EXCEPTION WHEN others THEN
    return 0;
END;
$$ LANGUAGE plpgsql;
