-- Source table: raw CloudTrail as AWS delivers it, one region of one account, projected by day:
-- s3://{{source_bucket}}/{{source_prefix}}AWSLogs/{{account_id}}/CloudTrail/{{region}}/YYYY/MM/DD/*.json.gz,
-- each file one {"Records":[...]} object. Athena's own example ("Create the table for CloudTrail logs in
-- Athena using partition projection"), with its placeholders written as this project writes them.
-- Replace them (and the range's first day) with your trail's before running it in the Athena console.
-- Local mode reads the directory given as --source as this LOCATION (the region's directory).
CREATE EXTERNAL TABLE `{{database}}`.`{{source_table}}` (
  eventversion STRING,
  useridentity STRUCT<
    type: STRING,
    principalid: STRING,
    arn: STRING,
    accountid: STRING,
    invokedby: STRING,
    accesskeyid: STRING,
    username: STRING,
    onbehalfof: STRUCT<
      userid: STRING,
      identitystorearn: STRING>,
    sessioncontext: STRUCT<
      attributes: STRUCT<
        mfaauthenticated: STRING,
        creationdate: STRING>,
      sessionissuer: STRUCT<
        type: STRING,
        principalid: STRING,
        arn: STRING,
        accountid: STRING,
        username: STRING>,
      ec2roledelivery: STRING,
      webidfederationdata: STRUCT<
        federatedprovider: STRING,
        attributes: MAP<STRING, STRING>>>>,
  eventtime STRING,
  eventsource STRING,
  eventname STRING,
  awsregion STRING,
  sourceipaddress STRING,
  useragent STRING,
  errorcode STRING,
  errormessage STRING,
  requestparameters STRING,
  responseelements STRING,
  additionaleventdata STRING,
  requestid STRING,
  eventid STRING,
  readonly STRING,
  resources ARRAY<STRUCT<
    arn: STRING,
    accountid: STRING,
    type: STRING>>,
  eventtype STRING,
  apiversion STRING,
  recipientaccountid STRING,
  serviceeventdetails STRING,
  sharedeventid STRING,
  vpcendpointid STRING,
  vpcendpointaccountid STRING,
  eventcategory STRING,
  addendum STRUCT<
    reason: STRING,
    updatedfields: STRING,
    originalrequestid: STRING,
    originaleventid: STRING>,
  sessioncredentialfromconsole STRING,
  edgedevicedetails STRING,
  tlsdetails STRUCT<
    tlsversion: STRING,
    ciphersuite: STRING,
    clientprovidedhostheader: STRING>
)
PARTITIONED BY (
  `timestamp` STRING)
ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION 's3://{{source_bucket}}/{{source_prefix}}AWSLogs/{{account_id}}/CloudTrail/{{region}}'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.timestamp.format' = 'yyyy/MM/dd',
  'projection.timestamp.interval' = '1',
  'projection.timestamp.interval.unit' = 'DAYS',
  'projection.timestamp.range' = '2020/01/01,NOW',
  'projection.timestamp.type' = 'date',
  'storage.location.template' = 's3://{{source_bucket}}/{{source_prefix}}AWSLogs/{{account_id}}/CloudTrail/{{region}}/${timestamp}'
)
