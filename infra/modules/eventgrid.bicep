// The call-data storage account's Event Grid system topic (blob events of cdr-raw drive normalization). Its
// subscription to the blob trigger's webhook is created by the azd postdeploy hook (scripts/post-up.*): the webhook key exists only once the code runs.
param name string
param location string
param tags object
param storageAccountId string

@description('Log Analytics workspace that receives failed deliveries.')
param logAnalyticsWorkspaceId string

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    source: storageAccountId
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: topic
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

output name string = topic.name
