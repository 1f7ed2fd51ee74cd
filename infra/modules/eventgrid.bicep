// The storage account's Event Grid system topic. Its subscription to the blob trigger's webhook is created
// by the azd postdeploy hook (scripts/post-up.*): the webhook key exists only once the code runs.
param name string
param location string
param tags object
param storageAccountId string

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    source: storageAccountId
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

output name string = topic.name
